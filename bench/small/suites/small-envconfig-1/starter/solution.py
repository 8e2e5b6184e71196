import os

def load_settings(prefix='APP_'):
    raise NotImplementedError
