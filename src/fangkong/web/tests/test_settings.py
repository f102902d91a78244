import os
import subprocess
import sys

import pytest


@pytest.mark.parametrize("variable, value", [
    ("FANGKONG_DEBUG", "maybe"), ("DATABASE_URL", "mysql://x@y/z"), ("FANGKONG_TIME_ZONE", "Mars/Olympus"),
])
def test_a_bad_setting_stops_start_up_naming_the_variable(tmp_path, variable, value):
    env = {**os.environ, "FANGKONG_VAR_DIR": str(tmp_path), variable: value}
    result = subprocess.run([sys.executable, "-c", "import fangkong.settings"], env=env, capture_output=True,
                            text=True)
    assert result.returncode != 0
    assert variable in result.stderr
