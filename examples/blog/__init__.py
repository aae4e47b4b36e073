"""An example blog (authors, posts, comments, tags): models and factories for the seed demo.

    python -m async_factory_boy seed examples.blog.factories:PostFactory --count 100 \\
        --create-tables
"""
