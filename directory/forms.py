from django import forms
from wagtail.admin.forms import WagtailAdminPageForm


class ContactsPageForm(WagtailAdminPageForm):
    """Pre-fills a new contacts page from the registry entry of the site it is created on."""

    def __init__(self, *args, parent_page=None, **kwargs):
        super().__init__(*args, parent_page=parent_page, **kwargs)
        if self.instance.pk or parent_page is None or self.is_bound:
            return
        from .models import organization_for_site

        organization = organization_for_site(parent_page.get_site())
        if organization is None:
            return
        for name, value in organization.contact_defaults().items():
            if value and name in self.fields:
                self.initial[name] = value


IMPORT_MAX_UPLOAD_SIZE = 5 * 1024 * 1024  # the full registry export is well under 1 MB


class OrganizationImportForm(forms.Form):
    """The registry export to import; the file is read and checked as a whole here, so a
    file that is not a registry CSV is refused before anything is written."""

    file = forms.FileField(
        label="Файл CSV",
        help_text="Выгрузка реестра: первая строка — названия столбцов; разделитель — запятая "
        "или точка с запятой; кодировка UTF-8 или Windows-1251. Не больше 5 МБ.",
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
    )
    dry_run = forms.BooleanField(
        label="Только проверить",
        required=False,
        help_text="Проверить файл и показать, что изменится, ничего не записывая.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > IMPORT_MAX_UPLOAD_SIZE:
            size = f"{upload.size / 1024 / 1024:.1f}".replace(".", ",")
            raise forms.ValidationError(
                f"Файл слишком большой ({size} МБ): можно загрузить не больше 5 МБ."
            )
        from .importing import ImportFileError, parse_file  # importing needs models.py

        try:
            self.cleaned_data["rows"] = parse_file(upload)
        except ImportFileError as error:
            raise forms.ValidationError(str(error)) from None
        return upload
