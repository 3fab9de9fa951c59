using System.Reflection;
using Mandate.Core.Audit;
using Mandate.Storage.Postgres;
using Mandate.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Mandate.Cli.Tests.Durability;

/// <summary>
/// A store as an older Mandate left it, before the compact audit form (SQLite schema 8, PostgreSQL schema 2): its
/// migrations, which are never edited once released (identical to those at commit de2f857), and what that broker
/// wrote: one audit row per record with its payload and hex hashes, and a user's revocation with its change cursor.
/// </summary>
internal static class OlderStore
{
    public const int SqliteVersion = 8;
    public const int PostgresVersion = 2;

    private const string InsertAudit = """
        INSERT INTO audit (seq, time, kind, outcome, agent, tenant, "user", run, jti, payload, prev_hash, hash)
        VALUES (@seq, @time, @kind, @outcome, @agent, @tenant, @user, NULL, @jti, @payload, @prev, @hash);
        """;

    /// <summary>When the older broker issued to alice; the user was revoked a minute later.</summary>
    public static readonly DateTimeOffset At = DateTimeOffset.UtcNow.AddMinutes(-30);

    /// <summary>The SQLite store under <paramref name="dir"/>: an issuance to alice, then <paramref name="revokedUser"/> revoked; the records written.</summary>
    public static async Task<IReadOnlyList<AuditRecord>> WriteSqliteAsync(TempFolder dir, string revokedUser)
    {
        var path = Path.Combine(dir.Path, "data", "mandate.db");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT;";
        await command.ExecuteNonQueryAsync();
        foreach (var (version, name, sql) in Migrations(typeof(SqliteMandateStore).Assembly).Where(m => m.Version <= SqliteVersion))
        {
            command.CommandText = sql + $"INSERT INTO schema_migrations VALUES ({version}, '{name}', '2026-01-01');";
            await command.ExecuteNonQueryAsync();
        }

        var (events, records) = Written(revokedUser);
        return await WriteAsync(events, records, command, (name, value) => command.Parameters.AddWithValue(name, value), AuditCanonicalJson.FormatTime);
    }

    /// <summary>The same on PostgreSQL, in <paramref name="schema"/>.</summary>
    public static async Task<IReadOnlyList<AuditRecord>> WritePostgresAsync(PostgresSchema schema, string revokedUser)
    {
        await using var connection = await schema.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE SCHEMA {schema.Name}; CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now());", connection);
        await command.ExecuteNonQueryAsync();
        foreach (var (version, name, sql) in Migrations(typeof(PostgresMandateStore).Assembly).Where(m => m.Version <= PostgresVersion))
        {
            command.CommandText = sql + $"INSERT INTO schema_migrations (version, name) VALUES ({version}, '{name}');";
            await command.ExecuteNonQueryAsync();
        }

        var (events, records) = Written(revokedUser);
        // The PostgreSQL store keeps times as UTC ticks (PostgresValues.Time), and takes the change cursor from its sequence.
        return await WriteAsync(events, records, command, (name, value) => command.Parameters.AddWithValue(name, value), at => at.UtcTicks, "nextval('revocation_change_seq')");
    }

    /// <summary>The schema version this build migrates a store of <paramref name="assembly"/> to.</summary>
    public static int LatestVersion(Assembly assembly) => Migrations(assembly).Max(m => m.Version);

    private static async Task<IReadOnlyList<AuditRecord>> WriteAsync<TTime>(
        AuditEvent[] events, IReadOnlyList<AuditRecord> records, System.Data.Common.DbCommand command, Action<string, object> add, Func<DateTimeOffset, TTime> time, string changeSeq = "1")
        where TTime : notnull
    {
        for (var i = 0; i < records.Count; i++)
        {
            var e = events[i];
            command.CommandText = InsertAudit;
            command.Parameters.Clear();
            add("@seq", records[i].Sequence);
            add("@time", AuditCanonicalJson.FormatTime(e.Time));
            add("@kind", e.Kind);
            add("@outcome", e.Outcome);
            add("@agent", (object?)e.Agent ?? DBNull.Value);
            add("@tenant", (object?)e.Tenant ?? DBNull.Value);
            add("@user", (object?)e.User ?? DBNull.Value);
            add("@jti", (object?)e.Jti ?? DBNull.Value);
            add("@payload", records[i].Payload);
            add("@prev", records[i].PreviousHash);
            add("@hash", records[i].Hash);
            await command.ExecuteNonQueryAsync();
        }

        command.CommandText = $"""
            INSERT INTO revocations (id, target, value, revoked_at, keep_until, revoked_by, reason, change_seq)
            VALUES ('rev_older_1', 'user', @user, @at, @keep, 'admin', 'left the company', {changeSeq});
            """;
        command.Parameters.Clear();
        add("@user", events[1].User!);
        add("@at", time(events[1].Time));
        add("@keep", time(new DateTimeOffset(9999, 12, 31, 0, 0, 0, TimeSpan.Zero)));
        await command.ExecuteNonQueryAsync();
        return records;
    }

    private static (AuditEvent[] Events, IReadOnlyList<AuditRecord> Records) Written(string revokedUser)
    {
        var events = new[]
        {
            new AuditEvent
            {
                Kind = AuditKinds.Issuance, Time = At, Outcome = "issued", Node = "older", Agent = DurabilityConfig.Agent, Tenant = "acme", User = "alice",
                Tool = "crm", Scope = "crm:read", Jti = "jti-older-1", DecisionId = "dec-older-1", PolicyVersion = "older", Rule = "crm-read-own-tenant", TraceId = null,
            },
            new AuditEvent
            {
                Kind = AuditKinds.Revocation, Time = At.AddMinutes(1), Outcome = "revoked", Node = "older", User = revokedUser, Reason = "left the company", TraceId = null,
                Evidence = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["revocation_id"] = "rev_older_1", ["target"] = "user", ["value"] = revokedUser, ["revoked_by"] = "admin" },
            },
        };
        return (events, AuditChain.Link(AuditTail.Genesis, events));
    }

    /// <summary>The scripts embedded in a store's assembly (<c>Migrations/NNNN_name.sql</c>), as the store runs them.</summary>
    private static IEnumerable<(int Version, string Name, string Sql)> Migrations(Assembly assembly)
    {
        foreach (var resource in assembly.GetManifestResourceNames().Where(r => r.StartsWith("Migrations/", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            var file = resource["Migrations/".Length..^".sql".Length];
            using var reader = new StreamReader(assembly.GetManifestResourceStream(resource)!);
            yield return (int.Parse(file[..4], System.Globalization.CultureInfo.InvariantCulture), file[5..], reader.ReadToEnd());
        }
    }
}
