"""`leaflet docs [TOPIC]`: the user documentation shipped inside the package."""

from __future__ import annotations

import click


@click.command()
@click.argument("topic", required=False)
@click.option(
    "--path", "show_path", is_flag=True, help="Print the topic's file name, not its text."
)
def docs(topic: str | None, show_path: bool) -> None:
    """The documentation: without TOPIC, a list of the topics; with it, the topic's text
    (Markdown)."""
    from leafletgen.shipped import doc_topic, doc_topics, docs_dir

    if topic is None:
        if show_path:
            click.echo(docs_dir())
            return
        topics = doc_topics()
        width = max((len(t.name) for t in topics), default=0)
        click.echo(f"Topics (in {docs_dir()}):")
        for each in topics:
            click.echo(f"  {each.name:<{width}}  {each.title}")
        click.echo(
            "Read one with `leaflet docs TOPIC`; `leaflet docs TOPIC --path` names its file."
        )
        return
    try:
        found = doc_topic(topic)
    except LookupError:
        names = ", ".join(t.name for t in doc_topics())
        raise click.BadParameter(
            f"no topic {topic!r} (one of {names})", param_hint="TOPIC"
        ) from None
    if show_path:
        click.echo(found.path)
    else:
        click.echo(found.path.read_text(encoding="utf-8"), nl=False)
