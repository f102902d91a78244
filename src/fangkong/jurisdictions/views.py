from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import render

from fangkong.accounts import access
from fangkong.audit import services as audit
from fangkong.people import services as people_services

from . import services
from .models import Level


@login_required
def browse(request, code):
    node = access.get_jurisdiction_for(request.user, code)
    scope = access.root_for(request.user)
    children = services.child_figures(node)
    context = {
        "node": node,
        "breadcrumbs": [a for a in services.ancestors(node) if a.path.startswith(scope.path)] + [node],
        "children": children,
        "totals": {
            "persons": sum(c.persons for c in children) if children else node.persons.count(),
            "households": sum(c.households for c in children) if children else node.households.count(),
            "grids": sum(c.grids for c in children) if children else 1,
        },
        "may_see_persons": access.may_see_persons(request.user),
    }
    if node.level == Level.GRID and context["may_see_persons"]:
        persons = access.persons_for(request.user).filter(grid=node).select_related("household", "grid")
        page = Paginator(persons.order_by("household__code", "id"), 25).get_page(request.GET.get("page"))
        context["page"] = page
        context["cards"] = [people_services.card_for(request.user, p) for p in page.object_list]
        audit.record_person_views(request.user, [p.pk for p in page.object_list], surface="grid")
    return render(request, "jurisdictions/browse.html", context)


@login_required
def tree_children(request, code):
    node = access.get_jurisdiction_for(request.user, code)
    return render(request, "jurisdictions/_tree_children.html", {"children": node.children.all()})


@login_required
def map_data(request, code):
    node = access.get_jurisdiction_for(request.user, code)
    children = services.child_figures(node)
    values = {c.node.code: c.persons for c in children}
    nodes = [c.node for c in children] or [node]
    return JsonResponse(services.boundary_feature_collection(nodes, values or {node.code: node.persons.count()}))
