"""Models in the SQLAlchemy 2.0 declarative style."""
from __future__ import annotations

import datetime
from typing import Any, Dict, List, Optional

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, func
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    declared_attr,
    mapped_column,
    relationship,
    validates,
)


class Base(DeclarativeBase):
    type_annotation_map = {
        Dict[str, Any]: JSON,
    }


class TimestampMixin:
    created_at: Mapped[datetime.datetime] = mapped_column(server_default=func.now())

    @declared_attr.directive
    def __tablename__(cls) -> str:
        return cls.__name__.lower()

    @declared_attr
    def updated_by_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("user_account.id"), nullable=True)


class User(TimestampMixin, Base):
    __tablename__ = "user_account"
    __table_args__ = (
        UniqueConstraint("name", "fullname", name="uq_user_name"),
        Index("ix_user_fullname", "fullname"),
        {"schema": None, "comment": 'people who log in'},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(30), index=True)
    fullname: Mapped[Optional[str]]
    nickname: Mapped[str | None] = mapped_column(String(64), default=None)
    karma: Mapped[float] = mapped_column(default=-1.5e3)
    flags: Mapped[int] = mapped_column(default=0x0F, server_default="15")
    settings: Mapped[Dict[str, Any]] = mapped_column(default=dict)
    addresses: Mapped[List["Address"]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    @validates("name", "fullname")
    def validate_name(self, key: str, value: str) -> str:
        if not value or len(value) > 30:
            raise ValueError(f"{key} too long: {value!r:>{10}}")
        return value


class Address(Base):
    __tablename__ = "address"

    id: Mapped[int] = mapped_column(primary_key=True)
    email_address: Mapped[str]
    user_id = mapped_column(ForeignKey("user_account.id"))
    user: Mapped["User"] = relationship(back_populates="addresses")

    def __repr__(self) -> str:
        return f'Address(id={self.id!r}, email={self.__dict__["email_address"]})'
