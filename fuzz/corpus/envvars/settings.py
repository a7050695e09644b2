import os
from os import environ
DB = os.environ["DATABASE_URL"]
DEBUG = os.environ.get("DEBUG", "0")
KEY = os.getenv('SECRET_KEY')
X = environ["REDIS_URL"]
