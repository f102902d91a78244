"""fangkong (防控): the information system of an outbreak command centre."""
