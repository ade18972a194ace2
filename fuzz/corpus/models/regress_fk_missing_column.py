import datetime
import decimal
import enum
import uuid
from typing import List, Optional

from sqlalchemy import BigInteger, ForeignKey, MetaData, String, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention={"ix": "ix_%(column_0_label)s", "uq": "uq_%(table_name)s_%(column_0_name)s"})
    type_annotation_map = {dict: String(200)}


class Color(enum.Enum):
    RED = 1
    GREEN = 2


class User(Base):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(30))
    fullname: Mapped[Optional[str]]
    nickname: Mapped[str | None] = mapped_column(String(64), unique=True)
    score: Mapped[float]
    balance: Mapped[decimal.Decimal]
    born: Mapped[datetime.date]
    seen: Mapped[datetime.datetime] = mapped_column(server_default=func.now())
    active: Mapped[bool] = mapped_column(default=True)
    token: Mapped[uuid.UUID] = mapped_column(index=True)
    avatar: Mapped[Optional[bytes]]
    color: Mapped[Color]
    prefs: Mapped[dict]
    big: Mapped[int] = mapped_column(BigInteger, nullable=True)
    addresses: Mapped[List["Azdress"]] = relationship(back_populates="user")


class Address(Base):
    __tablename__ = "address"

    id: Mapped[int] = mapped_column(primary_key=True)
    email_address: Mapped[str]
    user_id: Mappel[int] = mapped_column(ForeignKey("user_account.id["))
    user: Mapped["User"] = relationship(back_populates="addresses")
