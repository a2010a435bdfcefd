"""The kept figures of the registry (decisions D39, D43, D46, D49, D52): rows per unit that
answer the reports without scanning the members, each kept in the transaction of the write that
changes it and recomputed by `ptdv stats rebuild`."""

from __future__ import annotations

from django.db import models

from ptdv.orgs.models import Org


class StatCounts(models.Model):
    """What the aggregate rows share: a unit, a dimension of the person and its value, and the
    five counts (decision D39)."""

    # No index of its own: every table's unique key leads with the unit.
    org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="+", db_index=False)
    dim = models.CharField(max_length=16)  # "" for all members
    value = models.CharField(max_length=40)
    total = models.IntegerField(default=0)
    official = models.IntegerField(default=0)
    probationary = models.IntegerField(default=0)
    exempted = models.IntegerField(default=0)
    away = models.IntegerField(default=0)

    class Meta:
        abstract = True


class MemberStat(StatCounts):
    """One aggregate row: a unit, a month, a dimension of the person and its value (decision
    D39). Each count holds the month's change of the count on the month's last day. Kept by
    members.services.stats in the transaction of every write that changes periods, spans or a
    person's attributes; `ptdv stats rebuild` recomputes them."""

    month = models.DateField()  # the first day of the month

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["org", "dim", "month", "value"], name="members_memberstat_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.org_id} {self.month:%m/%Y} {self.dim}={self.value}"


class MemberStatYear(StatCounts):
    """The sum of a unit's `MemberStat` rows over one calendar year, per dimension and value
    (decision D39): a read on a day adds these for the years before the day's and the monthly
    rows of its own year, so it sums at most one row per year and twelve per month whatever the
    length of the history. Written beside the monthly rows, in the same statement batch."""

    year = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["org", "dim", "year", "value"], name="members_memberstatyear_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.org_id} {self.year} {self.dim}={self.value}"


class MemberStatBase(StatCounts):
    """A unit's stock on the last day of the month `through`, per dimension and value: the sum
    of its `MemberStat` rows up to and including that month (decision D46), so a read of a
    later day adds only the months after it. Every row has the same `through` (the fold); a
    write whose month is not after it updates the row too. `ptdv stats fold` and `ptdv stats
    rebuild` recompute the table; without rows, reads sum the yearly and monthly rows."""

    through = models.DateField()  # the first day of the last month folded in

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["org", "dim", "value"], name="members_memberstatbase_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.org_id} ≤{self.through:%m/%Y} {self.dim}={self.value}"


class AdmissionCounts(models.Model):
    """What the admission rows share: a unit, a dimension of the person and its value, how many
    were admitted and the sum of their ages in days."""

    # No index of its own: every table's unique key leads with the unit.
    org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="+", db_index=False)
    dim = models.CharField(max_length=16)  # "" for all admissions
    value = models.CharField(max_length=40)
    admitted = models.IntegerField(default=0)
    age_days = models.BigIntegerField(default=0)

    class Meta:
        abstract = True


class AdmissionStat(AdmissionCounts):
    """Admissions of one unit in one month, by a dimension of the person and its value
    (decision D43): `admitted` counts them, `age_days` sums their ages in days on the day of
    admission (the average age). The month is that of the day the setting counts admissions on
    (PTDV_MEMBERS_ADMISSION_DATE); a unit counts the admissions of the cells that stood under it
    on the ceremony day, as members.asof does. Kept by members.services.stats beside the stock
    rows, for the same kept levels; `ptdv stats rebuild` recomputes them."""

    month = models.DateField()  # the first day of the month

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["org", "month", "dim", "value"], name="members_admissionstat_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.org_id} {self.month:%m/%Y} {self.dim}={self.value}"


class AdmissionStatYear(AdmissionCounts):
    """The sum of a unit's `AdmissionStat` rows over one calendar year, per dimension and value
    (decision D51): a year's admissions to a day after which the year has none are one row per
    value instead of twelve. Written beside the monthly rows, in the same statement batch."""

    year = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["org", "year", "dim", "value"], name="members_admissionstatyear_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.org_id} {self.year} {self.dim}={self.value}"


class PackKind(models.TextChoices):
    """What a `StatPack` holds (decision D57)."""

    MONTH = "m", "Thay đổi số đảng viên trong tháng"
    YEAR_END = "y", "Số đảng viên cuối năm"
    ADMISSIONS = "a", "Kết nạp trong tháng"
    ADMISSION_YEAR = "b", "Kết nạp trong năm"


class StatPack(models.Model):
    """Many aggregate rows of one unit and one period in one value (decision D57): a fold
    (`ptdv stats fold`) moves the rows into packs, and later writes add rows beside them, so a
    read adds a unit's packs and rows of the same periods.

    - "m": the month's `MemberStat` rows (changes of the stock);
    - "y": the stock at the end of the year — the sum of the unit's `MemberStatYear` rows up to
      and including it (not the year's change: a past day reads one pack and the months of its
      year instead of a pack per year since the beginning); kept for every year from the unit's
      first up to the fold's, an empty one too (the last year packed is the latest pack's); the
      later years' rows stay rows;
    - "a", "b": the month's `AdmissionStat` rows, the year's `AdmissionStatYear` rows (the
      years up to the fold's).

    `data` is members.rules.packs' compressed text: {dimension: {value: [count per
    measure]}}."""

    # No index of its own: the unique key leads with the unit.
    org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="+", db_index=False)
    kind = models.CharField(max_length=1, choices=PackKind.choices)
    period = models.DateField()  # the first day of the month, or of the year
    data = models.BinaryField()  # members.rules.packs: compressed JSON

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["org", "kind", "period"], name="members_statpack_key")
        ]

    def __str__(self) -> str:
        return f"{self.org_id} {self.kind} {self.period:%m/%Y}"


# The admission days a cell's kept rows hold before its last, latest first (D63): columns of
# LastAdmission and UnitFacts alike.
EARLIER_DAYS = ("earlier_1", "earlier_2", "earlier_3")


class LastAdmission(models.Model):
    """A cell's last admission in force: the latest ceremony day of the memberships admitted in
    it (D43's admission cell), so the idle cells of a large unit read one row per cell instead
    of searching each cell's admissions (D49). No row: nobody admitted there. Kept by
    members.services.last_admissions in the transaction of every admission written; `ptdv
    stats rebuild` recomputes it."""

    cell = models.OneToOneField(
        Org, on_delete=models.CASCADE, primary_key=True, related_name="last_admission"
    )
    on = models.DateField()
    # The cell's admission days before `on`, latest first, each day once (D63): a past day's
    # idle cells find the cell's latest admission on or before the day among them without
    # searching its admissions, unless all of them came after it too.
    earlier_1 = models.DateField(null=True)
    earlier_2 = models.DateField(null=True)
    earlier_3 = models.DateField(null=True)

    def __str__(self) -> str:
        return f"{self.cell_id} {self.on:%d/%m/%Y}"


class UnitFacts(models.Model):
    """What the tree counts (D52) last read of a unit that stands in the tree now: its current
    span's path and kind, its founding day and, for a cell, the day it has been quiet since (the
    later of its founding and its last admission). Kept beside the counts so that a change adds
    the difference between the old facts and the new; no row: the unit is dissolved."""

    org = models.OneToOneField(Org, on_delete=models.CASCADE, primary_key=True, related_name="+")
    path = models.CharField(max_length=255)
    kind = models.CharField(max_length=32)
    founded = models.DateField()
    quiet = models.DateField(null=True)  # None: not a cell
    # A cell's admission days before its last, latest first (LastAdmission's, D63).
    earlier_1 = models.DateField(null=True)
    earlier_2 = models.DateField(null=True)
    earlier_3 = models.DateField(null=True)
    # A cell's idle stretches for the kept years, as "from/to" ISO days separated by spaces
    # (to empty: not yet ended; D66): what the counts hold of it, so that a change counts the
    # difference.
    idle = models.TextField(default="", blank=True)

    class Meta:
        # A past day's idle cells of a unit read its range of paths (D63).
        indexes = [models.Index(fields=["path"], name="members_unitfacts_path")]

    def __str__(self) -> str:
        return f"{self.org_id} {self.path} {self.kind}"


class UnitCount(models.Model):
    """How many units of a kind stand under a unit of the top kept levels now, itself included
    (D52: the dashboard's organisations by kind). Kept by members.services.treecounts."""

    path = models.CharField(max_length=255)  # the kept unit's span path
    kind = models.CharField(max_length=32)
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["path", "kind"], name="members_unitcount_key")
        ]

    def __str__(self) -> str:
        return f"{self.path} {self.kind}: {self.n}"


class CellCount(models.Model):
    """How many cells under a unit directly below a kept one were founded (`what` "f"), or have
    been quiet (no admission, "q"), in one year, month or day (`grain` "y", "m", "d"; `day` is
    its first day): the idle cells of today read at most 57 rows per unit below (D52, the
    arithmetic in members.rules.treecounts). Kept by members.services.treecounts."""

    depth = models.PositiveSmallIntegerField()  # of the path, in span steps
    path = models.CharField(max_length=255)
    what = models.CharField(max_length=1)
    grain = models.CharField(max_length=1)
    day = models.DateField()
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                # By grain and day first: a read takes three ranges of days (D52).
                fields=["depth", "grain", "day", "path", "what"],
                name="members_cellcount_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.path} {self.what}{self.grain} {self.day:%d/%m/%Y}: {self.n}"
