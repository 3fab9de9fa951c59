using System.Globalization;
using Mandate.Core.Audit;
using Mandate.Core.Revocation;

namespace Mandate.Storage.Sqlite;

/// <summary>How domain values are written to and read from columns.</summary>
internal static class SqliteValues
{
    // Fixed-width UTC text sorts like the instant it names, so range filters compare text.
    public static string Time(DateTimeOffset value) => AuditCanonicalJson.FormatTime(value);

    public static object Time(DateTimeOffset? value) => value is { } v ? Time(v) : DBNull.Value;

    public static DateTimeOffset ParseTime(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

    public static object Nullable(object? value) => value ?? DBNull.Value;

    public static string? OptionalString(Microsoft.Data.Sqlite.SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    // Spelled out rather than Enum.ToString so renaming a member cannot change stored data.
    public static string Target(RevocationTarget target) => target switch
    {
        RevocationTarget.Token => "token",
        RevocationTarget.Agent => "agent",
        RevocationTarget.Tenant => "tenant",
        RevocationTarget.User => "user",
        RevocationTarget.Run => "run",
        _ => throw new ArgumentOutOfRangeException(nameof(target), target, "Unknown revocation target."),
    };

    public static RevocationTarget ParseTarget(string text) => text switch
    {
        "token" => RevocationTarget.Token,
        "agent" => RevocationTarget.Agent,
        "tenant" => RevocationTarget.Tenant,
        "user" => RevocationTarget.User,
        "run" => RevocationTarget.Run,
        _ => throw new InvalidDataException($"Unknown revocation target '{text}' in the revocations table."),
    };
}
