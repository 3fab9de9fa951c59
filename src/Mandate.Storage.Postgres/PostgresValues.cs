using Mandate.Core.Revocation;
using Npgsql;
using NpgsqlTypes;

namespace Mandate.Storage.Postgres;

/// <summary>
/// How domain values become typed parameters and come back from columns. Every parameter carries its type, so a
/// null never leaves the server guessing and every statement stays parameterised.
/// </summary>
internal static class PostgresValues
{
    public static NpgsqlParameter Text(string? value) => new() { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)value ?? DBNull.Value };

    public static NpgsqlParameter Bigint(long? value) => new() { NpgsqlDbType = NpgsqlDbType.Bigint, Value = value is { } v ? v : DBNull.Value };

    public static NpgsqlParameter Integer(int? value) => new() { NpgsqlDbType = NpgsqlDbType.Integer, Value = value is { } v ? v : DBNull.Value };

    public static NpgsqlParameter Bytea(byte[]? value) => new() { NpgsqlDbType = NpgsqlDbType.Bytea, Value = (object?)value ?? DBNull.Value };

    public static NpgsqlParameter TextArray(string?[] values) => new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = values };

    public static NpgsqlParameter BigintArray(long[] values) => new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, Value = values };

    /// <summary>An instant as UTC ticks: lossless, where timestamptz would round to microseconds.</summary>
    public static NpgsqlParameter Time(DateTimeOffset? value) => Bigint(value?.UtcTicks);

    public static DateTimeOffset ReadTime(NpgsqlDataReader reader, int ordinal) => new(reader.GetInt64(ordinal), TimeSpan.Zero);

    public static DateTimeOffset? ReadOptionalTime(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : ReadTime(reader, ordinal);

    public static string? ReadOptionalText(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    /// <summary>A command on <paramref name="connection"/> with positional parameters <c>$1</c>, <c>$2</c>, ….</summary>
    public static NpgsqlCommand Command(NpgsqlConnection connection, string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddRange(parameters);
        return command;
    }

    /// <summary>One statement of a batch, with positional parameters <c>$1</c>, <c>$2</c>, ….</summary>
    public static NpgsqlBatchCommand BatchCommand(string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddRange(parameters);
        return command;
    }

    // Spelled out rather than Enum.ToString so renaming a member cannot change stored data (as in SQLite).
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
