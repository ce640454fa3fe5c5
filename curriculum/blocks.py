"""Blocks shared by every curriculum page, defined once (bakerydemo's base/blocks.py).

A lesson's body is a BaseStreamBlock. The quiz keeps its right answers in the page's stream:
its template renders the questions and choices only, and answers are checked on the server
(curriculum.services.completion), so the correct choice never reaches a learner's HTML.
"""

from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.forms.utils import ErrorList
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock

# Hosts whose players work inside the mainland and that editors actually use.
VIDEO_HOSTS = (
    "v.qq.com",
    "bilibili.com",
    "ixigua.com",
    "youku.com",
    "iqiyi.com",
    "cctv.com",
    "people.com.cn",
    "xinhuanet.com",
)


def video_host_allowed(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    return any(host == allowed or host.endswith("." + allowed) for allowed in VIDEO_HOSTS)


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("image"))
    caption = blocks.CharBlock(label=_("caption"), required=False, max_length=200)
    alt = blocks.CharBlock(
        label=_("text alternative"),
        max_length=200,
        help_text=_("What the picture shows, for people who cannot see it."),
    )

    class Meta:
        icon = "image"
        label = _("Image")
        template = "blocks/image_block.html"


class VideoBlock(blocks.StructBlock):
    """A video from a supported host, embedded through Wagtail's oEmbed finders; the link is
    always shown too, so a phone that cannot play the embed can still open it."""

    url = blocks.URLBlock(label=_("video address"))
    title = blocks.CharBlock(label=_("title"), max_length=200)

    class Meta:
        icon = "media"
        label = _("Video")
        template = "blocks/video_block.html"

    def clean(self, value):
        value = super().clean(value)
        if not video_host_allowed(value["url"]):
            raise StructBlockValidationError(
                block_errors={
                    "url": ValidationError(
                        _("Videos must come from one of: %(hosts)s.")
                        % {"hosts": "、".join(VIDEO_HOSTS)}
                    )
                }
            )
        return value


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("document"))
    label = blocks.CharBlock(label=_("link text"), max_length=120, required=False)

    class Meta:
        icon = "doc-full"
        label = _("Document download")
        template = "blocks/document_block.html"


class DiscussionBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("heading"), max_length=120, required=False)
    questions = blocks.ListBlock(
        blocks.CharBlock(label=_("question"), max_length=300), label=_("questions"), min_num=1
    )

    class Meta:
        icon = "help"
        label = _("Discussion questions")
        template = "blocks/discussion_block.html"


class ChoiceBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("choice"), max_length=200)
    is_correct = blocks.BooleanBlock(label=_("correct answer"), required=False)

    class Meta:
        icon = "radio-full"
        label = _("Choice")


class QuestionBlock(blocks.StructBlock):
    """A single-choice question: exactly one choice is right."""

    question = blocks.CharBlock(label=_("question"), max_length=300)
    choices = blocks.ListBlock(ChoiceBlock(), label=_("choices"), min_num=2, max_num=6)

    class Meta:
        icon = "help"
        label = _("Question")

    def clean(self, value):
        value = super().clean(value)
        correct = sum(1 for choice in value["choices"] if choice["is_correct"])
        if correct != 1:
            message = (
                _("Mark the correct answer.")
                if correct == 0
                else _("A single-choice question has exactly one correct answer.")
            )
            raise StructBlockValidationError(
                block_errors={"choices": ErrorList([ValidationError(message)])}
            )
        return value


class QuizBlock(blocks.StructBlock):
    """A short quiz; a learner passes with at least `pass_mark` per cent right answers."""

    heading = blocks.CharBlock(label=_("heading"), max_length=120, required=False)
    pass_mark = blocks.IntegerBlock(
        label=_("pass mark (%)"), min_value=1, max_value=100, default=60
    )
    questions = blocks.ListBlock(QuestionBlock(), label=_("questions"), min_num=1, max_num=20)

    class Meta:
        icon = "tasks"
        label = _("Quiz (single choice)")
        template = "blocks/quiz_block.html"


class BaseStreamBlock(blocks.StreamBlock):
    """What a lesson (or a theme's introduction) is made of."""

    heading = blocks.CharBlock(
        label=_("Section heading"),
        icon="title",
        max_length=120,
        template="blocks/heading_block.html",
    )
    paragraph = blocks.RichTextBlock(
        label=_("Text"),
        icon="pilcrow",
        features=["h3", "bold", "italic", "ol", "ul", "link", "document-link"],
    )
    image = ImageBlock()
    video = VideoBlock()
    document = DocumentBlock()
    discussion = DiscussionBlock()


class LessonStreamBlock(BaseStreamBlock):
    """A lesson's body: the shared blocks plus at most one quiz."""

    quiz = QuizBlock()

    class Meta:
        block_counts = {"quiz": {"max_num": 1}}


def quiz_of(body) -> dict | None:
    """The quiz block's value in a lesson body, or None."""
    for child in body:
        if child.block_type == "quiz":
            return child.value
    return None
