using System.Globalization;

namespace Mandate.Policy.Expressions;

/// <summary>
/// A CEL duration: signed nanoseconds in a 64-bit integer (about ±292 years), the range CEL gives durations.
/// Arithmetic that leaves the range is an error, never a wrapped or clamped value.
/// </summary>
public readonly record struct CelDuration(long Nanoseconds)
{
    public const long NanosecondsPerSecond = 1_000_000_000;

    /// <summary>A host <see cref="TimeSpan"/> (100 ns ticks) as a duration.</summary>
    public static CelDuration FromTimeSpan(TimeSpan value) => new(value.Ticks * 100);

    /// <summary>The duration of <paramref name="nanoseconds"/>, or an error when it is outside the range.</summary>
    public static object Create(Int128 nanoseconds) =>
        nanoseconds >= long.MinValue && nanoseconds <= long.MaxValue
            ? new CelDuration((long)nanoseconds)
            : new CelError("duration out of range (CEL durations span about ±292 years)");

    public int CompareTo(CelDuration other) => Nanoseconds.CompareTo(other.Nanoseconds);

    /// <summary>CEL's text form: seconds with up to nine fraction digits, e.g. <c>90s</c>, <c>1.5s</c>, <c>-0.000000001s</c>.</summary>
    public override string ToString()
    {
        var seconds = Nanoseconds / NanosecondsPerSecond;
        var nanos = Math.Abs(Nanoseconds % NanosecondsPerSecond);
        var sign = Nanoseconds < 0 && seconds == 0 ? "-" : "";
        var whole = sign + seconds.ToString(CultureInfo.InvariantCulture);
        return nanos == 0 ? whole + "s" : whole + "." + nanos.ToString("D9", CultureInfo.InvariantCulture).TrimEnd('0') + "s";
    }
}
