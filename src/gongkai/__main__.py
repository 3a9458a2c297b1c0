from gongkai.cli import app

app()
