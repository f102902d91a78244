"""`{% form %}` and `{% field %}`: every page form, written once, keeps what was typed after a refusal and shows
each problem at its field under the field's name in the user's language (fangkong/fields.py).

    {% form "arrival-register" class="stack phone-form" testid="arrival-form" %}
      {% field "name" required=True autofocus=True %}
      {% field "mode" kind="select" choices=modes %}
    {% endform %}

A problem whose field the form does not show (say "person" or "status") is shown at the top of the form, so no
problem is ever lost.
"""

from django import template
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.encoding import force_str
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from fangkong import fields
from fangkong.web.forms import page_path, submitted_for

register = template.Library()

FORM_ATTRIBUTES = {"class", "testid", "enctype", "novalidate", "method"}
CONTROL_ATTRIBUTES = {"placeholder", "required", "autofocus", "step", "min", "max", "maxlength", "inputmode",
                      "autocomplete", "accept", "pattern", "multiple"}


# The forms whose submissions a phone keeps while it has no signal and sends later (static/fangkong/offline.js),
# by the URL name they post to: each names the kind of work, for the list of what is still waiting.
OFFLINE_FORMS = {"reading-add": "reading", "arrival-register": "arrival", "report-submit": "report"}


class FormState:
    """What the fields of one form read while it renders: the refused submission (if any) and the fields shown."""

    def __init__(self, submitted, form: str):
        self.submitted, self.form, self.shown = submitted, form, set()  # form: the URL name it posts to

    def value(self, name: str, initial) -> str:
        if self.submitted is not None:
            return self.submitted.values.get(name, "")
        return "" if initial is None else force_str(initial)

    def problems(self, name: str, label=None) -> list[str]:
        self.shown.add(name)
        return self.submitted.problems_of(name, label) if self.submitted is not None else []

    def unshown_problems(self) -> list[str]:
        if self.submitted is None:
            return []
        return [p.text_on(self.form) for p in self.submitted.problems if p.field not in self.shown]


class FormNode(template.Node):
    def __init__(self, url_name, url_args, attributes, nodelist):
        self.url_name, self.url_args, self.attributes, self.nodelist = url_name, url_args, attributes, nodelist

    def render(self, context):
        request = context["request"]
        url_name = self.url_name.resolve(context)
        action = reverse(url_name, args=[a.resolve(context) for a in self.url_args])
        attributes = {k: v.resolve(context) for k, v in self.attributes.items()}
        state = FormState(submitted_for(request, action), url_name)
        if state.submitted is not None:
            state.submitted.shown = True
        with context.push(form=state):
            body = self.nodelist.render(context)
        problems = format_html_join("", '<p class="error problem" role="alert">{}</p>',
                                    ((p,) for p in state.unshown_problems()))
        if attributes.get("method") == "get":  # a query form (the forecast): its page reads and checks the query
            hidden = ""
        else:
            hidden = format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
                                 '<input type="hidden" name="next" value="{}">', get_token(request), page_path(request))
        return format_html(
            '<form method="{}" action="{}"{}{}{}{}{}>{}{}{}</form>', attributes.get("method", "post"),
            action, _attribute("class", attributes.get("class")), _attribute("data-testid", attributes.get("testid")),
            _attribute("enctype", attributes.get("enctype")), _attribute("novalidate", attributes.get("novalidate")),
            _attribute("data-offline", OFFLINE_FORMS.get(url_name)), hidden, problems, mark_safe(body))


@register.tag("form")
def do_form(parser, token):
    bits = token.split_contents()[1:]
    if not bits:
        raise template.TemplateSyntaxError("{% form %} needs the URL name the form posts to")
    url_name, url_args, attributes = parser.compile_filter(bits[0]), [], {}
    for bit in bits[1:]:
        key, eq, value = bit.partition("=")
        if eq and key in FORM_ATTRIBUTES:
            attributes[key] = parser.compile_filter(value)
        elif eq:
            raise template.TemplateSyntaxError(f"{{% form %}} has no attribute {key}")
        else:
            url_args.append(parser.compile_filter(bit))
    nodelist = parser.parse(("endform",))
    parser.delete_first_token()
    return FormNode(url_name, url_args, attributes, nodelist)


def _attribute(name, value):
    if value is None or value is False or value == "":
        return ""
    if value is True:
        return format_html(" {}", name)
    return format_html(' {}="{}"', name, value)


# The phone keyboard each field wants when its template does not say: digits and a decimal point for a
# temperature or any number, digits for the codes of places. A resident ID keeps the full keyboard: it may end in X.
DECIMAL_FIELDS = frozenset({"temperature"})
DIGIT_FIELDS = frozenset({"code", "grid_code", "origin_code", "address_code", "jurisdiction_code", "household_code"})


def _input_mode(name: str, kind: str) -> str | None:
    if kind == "number" or name in DECIMAL_FIELDS:
        return "decimal"
    return "numeric" if name in DIGIT_FIELDS else None


@register.simple_tag(takes_context=True)
def field(context, name, kind="text", initial=None, choices=None, blank=None, hide_label=False, label=None,
          **attributes):
    """One labelled control, its typed (or initial) value, and its problems right under it. `label` names a field
    whose id is made from a record (a checklist's item_12) instead of its entry in fangkong/fields.py."""
    state: FormState = context["form"]
    unknown = set(attributes) - CONTROL_ATTRIBUTES
    if unknown:
        raise template.TemplateSyntaxError(f"{{% field %}} has no attribute {', '.join(sorted(unknown))}")
    if "inputmode" not in attributes and _input_mode(name, kind):
        attributes["inputmode"] = _input_mode(name, kind)
    value = state.value(name, initial)
    problems = state.problems(name, label)
    control_id = f"f-{context['request'].path.strip('/').replace('/', '-')}-{name}-{id(state)}"
    extra = mark_safe("".join(_attribute(k, v) for k, v in attributes.items()))
    invalid = mark_safe(' aria-invalid="true"' if problems else "")
    if kind == "select":
        options = format_html_join("", '<option value="{}"{}>{}</option>', (
            (choice, mark_safe(" selected" if force_str(choice) == value else ""), text)
            for choice, text in ([("", blank)] if blank is not None else []) + list(choices or [])))
        control = format_html('<select id="{}" name="{}"{}{}>{}</select>', control_id, name, extra, invalid, options)
    elif kind == "textarea":
        control = format_html('<textarea id="{}" name="{}"{}{}>{}</textarea>', control_id, name, extra, invalid, value)
    elif kind in ("file", "password"):  # a browser never sends either back
        control = format_html('<input id="{}" type="{}" name="{}"{}{}>', control_id, kind, name, extra, invalid)
    else:
        control = format_html('<input id="{}" type="{}" name="{}" value="{}"{}{}>', control_id, kind, name, value,
                              extra, invalid)
    problem_lines = format_html_join("", '<span class="problem" role="alert">{}</span>', ((p,) for p in problems))
    return format_html('<div class="field{}" data-field="{}"><label for="{}"{}>{}</label>{}{}</div>',
                       " has-problem" if problems else "", name, control_id,
                       mark_safe(' class="visually-hidden"' if hide_label else ""),
                       label or fields.label(name, state.form), control, problem_lines)
