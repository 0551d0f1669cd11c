from wagtail import hooks

from sites.isolation import forms, media, pages, translations

hooks.register("construct_page_chooser_queryset", pages.restrict_page_chooser)
hooks.register("before_move_page", pages.refuse_foreign_move)
hooks.register("construct_reports_menu", pages.hide_foreign_reports)
hooks.register("construct_admin_api", media.scope_admin_api, order=100)  # after Wagtail's own
hooks.register("before_serve_document", media.hide_unpublished_document)
hooks.register("construct_reports_menu", translations.hide_translations_report)
hooks.register("filter_form_submissions_for_user", forms.own_submissions_only)
