"""x"""
revision = 123
down_revision = None
