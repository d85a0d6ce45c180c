from django import template

from comments import page_cache

register = template.Library()


@register.filter
def cpage(url, number):
    """`url` at page `number` of the replies: {{ article.get_absolute_url|cpage:2 }} (comments.page_cache.with_page)."""
    return page_cache.with_page(url, number)
