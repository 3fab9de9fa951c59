using System.Globalization;

namespace Mandate.Policy.Expressions;

/// <summary>
/// A CEL timestamp with nanosecond precision: seconds since the Unix epoch and nanoseconds within that
/// second (0-999,999,999), from 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z as CEL specifies.
/// Arithmetic that leaves the range is an error.
/// </summary>
public readonly record struct CelTimestamp
{
    /// <summary>0001-01-01T00:00:00Z.</summary>
    public const long MinSeconds = -62_135_596_800;

    /// <summary>9999-12-31T23:59:59Z.</summary>
    public const long MaxSeconds = 253_402_300_799;

    private CelTimestamp(long seconds, int nanos)
    {
        Seconds = seconds;
        Nanos = nanos;
    }

    /// <summary>Whole seconds since 1970-01-01T00:00:00Z (rounded down).</summary>
    public long Seconds { get; }

    /// <summary>Nanoseconds after <see cref="Seconds"/>.</summary>
    public int Nanos { get; }

    /// <summary>Nanoseconds since the Unix epoch.</summary>
    public Int128 UnixNanoseconds => (Int128)Seconds * CelDuration.NanosecondsPerSecond + Nanos;

    /// <summary>A host instant (100 ns ticks) as a timestamp.</summary>
    public static CelTimestamp FromDateTimeOffset(DateTimeOffset value)
    {
        var ticks = value.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        return FromUnixNanoseconds((Int128)ticks * 100)!.Value;
    }

    /// <summary>The timestamp <paramref name="nanoseconds"/> after the epoch, or an error when outside the range.</summary>
    public static object Create(Int128 nanoseconds) =>
        FromUnixNanoseconds(nanoseconds) is { } t
            ? t
            : new CelError("timestamp out of range (CEL timestamps span 0001-01-01 to 9999-12-31)");

    private static CelTimestamp? FromUnixNanoseconds(Int128 nanoseconds)
    {
        var seconds = Int128.DivRem(nanoseconds, CelDuration.NanosecondsPerSecond);
        var (whole, nanos) = seconds.Remainder < 0 ? (seconds.Quotient - 1, seconds.Remainder + CelDuration.NanosecondsPerSecond) : seconds;
        return whole < MinSeconds || whole > MaxSeconds ? null : new CelTimestamp((long)whole, (int)nanos);
    }

    public object Add(CelDuration duration) => Create(UnixNanoseconds + duration.Nanoseconds);

    public object Subtract(CelDuration duration) => Create(UnixNanoseconds - duration.Nanoseconds);

    public object Subtract(CelTimestamp other) => CelDuration.Create(UnixNanoseconds - other.UnixNanoseconds);

    /// <summary>The instant as a host value, to 100 ns (for calendar fields, which never need finer).</summary>
    public DateTimeOffset ToDateTimeOffset() => DateTimeOffset.FromUnixTimeSeconds(Seconds).AddTicks(Nanos / 100);

    public int CompareTo(CelTimestamp other) => UnixNanoseconds.CompareTo(other.UnixNanoseconds);

    /// <summary>RFC 3339 in UTC with only the fraction digits needed, e.g. <c>2009-02-13T23:31:30.5Z</c>.</summary>
    public override string ToString()
    {
        var whole = DateTimeOffset.FromUnixTimeSeconds(Seconds).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        return Nanos == 0 ? whole + "Z" : whole + "." + Nanos.ToString("D9", CultureInfo.InvariantCulture).TrimEnd('0') + "Z";
    }
}
