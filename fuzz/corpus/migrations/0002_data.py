from alembic import op
from django.db import migrations

revision = "b2"
down_revision = ("a1", "c3")


class Migration(migrations.Migration):
    operations = [
        migrations.RunPython(fill,  # (forwards)
                             elidable=True),
        migrations.RunSQL(["UPDATE t SET a = '(', b = 2"], reverse_sql="""
            UPDATE t SET a = NULL
        """),
    ]


def upgrade():
    op.execute("x")


def downgrade():
    """Nothing to undo."""
    pass
