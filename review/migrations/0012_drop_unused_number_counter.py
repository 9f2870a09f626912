# The first numbering table (one counter per authority code and year) has been unused since the
# documents app took numbers from documents.NumberSequence at sign-off (gap-free, per authority or
# province and year); no code reads or writes it.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('review', '0011_opinion_kind_filing_receipt'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='documentnumbercounter',
            name='unique_number_counter',
        ),
        migrations.DeleteModel(
            name='DocumentNumberCounter',
        ),
    ]
