"""The one StreamField block set shared by every page type on every site."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.contrib.table_block.blocks import TableBlock
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageBlock

RICH_TEXT_FEATURES = ["bold", "italic", "link", "document-link", "ol", "ul", "h3", "h4"]


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Text"), max_length=200)
    level = blocks.ChoiceBlock(
        label=_("Level"),
        choices=[("h2", _("Section heading")), ("h3", _("Subheading"))],
        default="h2",
    )

    class Meta:
        icon = "title"
        label = _("Heading")
        template = "blocks/heading.html"


class FigureBlock(blocks.StructBlock):
    image = ImageBlock(label=_("Image"))
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=300)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "blocks/figure.html"


class DocumentLinkBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Document"))
    title = blocks.CharBlock(
        label=_("Link text"), required=False, help_text=_("Defaults to the document's title")
    )

    class Meta:
        icon = "doc-full"
        label = _("Document link")
        template = "blocks/document_link.html"


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("Quote"))
    attribution = blocks.CharBlock(label=_("Attribution"), required=False, max_length=200)

    class Meta:
        icon = "openquote"
        label = _("Quote")
        template = "blocks/quote.html"


class ApplicationFormBlock(blocks.StaticBlock):
    """The form of an application to join the union (membership/), for the «Как вступить»
    page: its workplaces are the registry's organizations of the site's area."""

    class Meta:
        label = _("Application to join")
        icon = "form"
        admin_text = _(
            "The application form: name, workplace from the registry, position, contacts "
            "and consent. Applications reach the chosen primary organization's editors."
        )
        template = "membership/application_block.html"


class BodyBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        label=_("Paragraph"), features=RICH_TEXT_FEATURES, template="blocks/paragraph.html"
    )
    image = FigureBlock()
    document = DocumentLinkBlock()
    quote = QuoteBlock()
    embed = EmbedBlock(label=_("Video or post"), icon="media", template="blocks/embed.html")
    table = TableBlock(label=_("Table"), template="blocks/table.html")
    application_form = ApplicationFormBlock()
