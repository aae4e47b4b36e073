"""The API: read companies, users and posts; write posts.

The session comes from one dependency, :func:`get_session`, so tests replace it with the
session their factories wrote to (``app.dependency_overrides[get_session]``).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException
from pydantic import BaseModel, ConfigDict
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from .models import Company, Post, User

DATABASE_URL = os.environ.get("DATABASE_URL", "sqlite+aiosqlite:///./example.db")
engine = create_async_engine(DATABASE_URL)
SessionLocal = async_sessionmaker(engine, expire_on_commit=False)

app = FastAPI(title="async_factory_boy FastAPI example")


async def get_session() -> AsyncIterator[AsyncSession]:
    """One session per request (tests override this dependency)."""
    async with SessionLocal() as session:
        yield session


Session = Annotated[AsyncSession, Depends(get_session)]


class CompanyOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    name: str
    user_count: int


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    email: str
    name: str
    company_id: int


class PostIn(BaseModel):
    title: str
    author_id: int


class PostOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    title: str
    published: bool
    author_id: int


@app.get("/companies/{company_id}", response_model=CompanyOut)
async def read_company(company_id: int, session: Session) -> CompanyOut:
    company = await session.get(Company, company_id)
    if company is None:
        raise HTTPException(status_code=404, detail="company not found")
    count = await session.scalar(select(func.count()).where(User.company_id == company_id))
    return CompanyOut(id=company.id, name=company.name, user_count=count or 0)


@app.get("/companies/{company_id}/users", response_model=list[UserOut])
async def list_company_users(company_id: int, session: Session) -> list[User]:
    result = await session.scalars(
        select(User).where(User.company_id == company_id).order_by(User.id)
    )
    return list(result)


@app.get("/users/{user_id}/posts", response_model=list[PostOut])
async def list_user_posts(
    user_id: int, session: Session, published: bool | None = None
) -> list[Post]:
    query = select(Post).where(Post.author_id == user_id).order_by(Post.id)
    if published is not None:
        query = query.where(Post.published == published)
    return list(await session.scalars(query))


@app.post("/posts", response_model=PostOut, status_code=201)
async def create_post(payload: PostIn, session: Session) -> Post:
    if await session.get(User, payload.author_id) is None:
        raise HTTPException(status_code=422, detail="author does not exist")
    post = Post(title=payload.title, author_id=payload.author_id)
    session.add(post)
    await session.commit()
    return post
