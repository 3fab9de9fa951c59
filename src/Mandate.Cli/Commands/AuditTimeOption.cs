using System.CommandLine;
using Mandate.Core.Audit;

namespace Mandate.Cli.Commands;

/// <summary>
/// <c>--since</c> and <c>--until</c> of <c>mandate audit query</c> (<see cref="AuditTimeBound"/>): a value that cannot be
/// read is refused, since "no records" would mislead.
/// </summary>
internal static class AuditTimeOption
{
    public static Option<string?> Create(string name, string description)
    {
        var option = new Option<string?>(name) { Description = description + ": an RFC 3339 time with an offset, or a duration before now (15m, 2h, 7d)" };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } text && !AuditTimeBound.TryParse(text, DateTimeOffset.UtcNow, out _))
            {
                result.AddError(CommonOptions.TooLongDuration(name, text) is { } tooLong
                    ? $"{tooLong}; leave {name} out to read from the first record"
                    : $"{name}: '{text}' is not {AuditTimeBound.Expected}");
            }
        });
        return option;
    }

    /// <summary>The bound given, read against <paramref name="now"/>; null when the option was not given.</summary>
    public static DateTimeOffset? Value(string? text, DateTimeOffset now) =>
        AuditTimeBound.TryParse(text, now, out var value) ? value : null;
}
