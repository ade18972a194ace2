"""copy"""
revision = "aaaa1111"
down_revision = None
