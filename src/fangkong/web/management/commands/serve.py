from django.core.management import call_command
from django.core.management.base import BaseCommand
from gunicorn.app.base import BaseApplication


class GunicornApp(BaseApplication):
    def __init__(self, options):
        self.options = options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from fangkong.wsgi import application

        return application


class Command(BaseCommand):
    help = "Serve fangkong with gunicorn (the production way), static files included."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default="127.0.0.1:8000")
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--threads", type=int, default=4)

    def handle(self, *args, bind, workers, threads, **options):
        call_command("collectstatic", interactive=False, verbosity=0)
        GunicornApp({"bind": bind, "workers": workers, "threads": threads, "accesslog": "-",
                     "worker_class": "gthread"}).run()
