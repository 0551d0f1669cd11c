from django import forms

from directory.registry_file import ImportFileError, parse_file

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
        try:
            self.cleaned_data["rows"] = parse_file(upload)
        except ImportFileError as error:
            raise forms.ValidationError(str(error)) from None
        return upload
