using Mandate.Core.Audit;
using Mandate.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Mandate.Cli.Tests.Durability;

/// <summary>
/// A data directory as a Mandate of SQLite schema 8 left it (before the compact audit form of schema 9): its migrations,
/// which are never edited once released (identical to those at commit de2f857), and what that broker wrote: one audit
/// row per record with its payload and hex hashes, and a user's revocation with its change cursor.
/// </summary>
internal static class OlderStore
{
    public const int Version = 8;

    /// <summary>When the older broker issued to alice; <c>revokedUser</c> was revoked a minute later.</summary>
    public static readonly DateTimeOffset At = DateTimeOffset.UtcNow.AddMinutes(-30);

    /// <summary>Writes the store under <paramref name="dir"/>: an issuance to alice, then <paramref name="revokedUser"/> revoked; the records written.</summary>
    public static async Task<IReadOnlyList<AuditRecord>> WriteAsync(TempFolder dir, string revokedUser)
    {
        var path = Path.Combine(dir.Path, "data", "mandate.db");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var at = At;
        var revocation = new AuditEvent
        {
            Kind = AuditKinds.Revocation, Time = at.AddMinutes(1), Outcome = "revoked", Node = "older", User = revokedUser, Reason = "left the company",
            Evidence = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["revocation_id"] = "rev_older_1", ["target"] = "user", ["value"] = revokedUser, ["revoked_by"] = "admin" },
        };
        var events = new[]
        {
            new AuditEvent
            {
                Kind = AuditKinds.Issuance, Time = at, Outcome = "issued", Node = "older", Agent = DurabilityConfig.Agent, Tenant = "acme", User = "alice",
                Tool = "crm", Scope = "crm:read", Jti = "jti-older-1", DecisionId = "dec-older-1", PolicyVersion = "older", Rule = "crm-read-own-tenant", TraceId = null,
            },
            revocation with { TraceId = null },
        };
        var records = AuditChain.Link(AuditTail.Genesis, events);
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT;";
        await command.ExecuteNonQueryAsync();
        foreach (var (version, name, sql) in Migrations().Where(m => m.Version <= Version))
        {
            command.CommandText = sql + $"INSERT INTO schema_migrations VALUES ({version}, '{name}', '2026-01-01');";
            await command.ExecuteNonQueryAsync();
        }

        for (var i = 0; i < records.Count; i++)
        {
            var e = events[i];
            command.CommandText = """
                INSERT INTO audit (seq, time, kind, outcome, agent, tenant, "user", run, jti, payload, prev_hash, hash)
                VALUES ($seq, $time, $kind, $outcome, $agent, $tenant, $user, NULL, $jti, $payload, $prev, $hash);
                """;
            command.Parameters.Clear();
            command.Parameters.AddWithValue("$seq", records[i].Sequence);
            command.Parameters.AddWithValue("$time", AuditCanonicalJson.FormatTime(e.Time));
            command.Parameters.AddWithValue("$kind", e.Kind);
            command.Parameters.AddWithValue("$outcome", e.Outcome);
            command.Parameters.AddWithValue("$agent", (object?)e.Agent ?? DBNull.Value);
            command.Parameters.AddWithValue("$tenant", (object?)e.Tenant ?? DBNull.Value);
            command.Parameters.AddWithValue("$user", (object?)e.User ?? DBNull.Value);
            command.Parameters.AddWithValue("$jti", (object?)e.Jti ?? DBNull.Value);
            command.Parameters.AddWithValue("$payload", records[i].Payload);
            command.Parameters.AddWithValue("$prev", records[i].PreviousHash);
            command.Parameters.AddWithValue("$hash", records[i].Hash);
            await command.ExecuteNonQueryAsync();
        }

        command.CommandText = """
            INSERT INTO revocations (id, target, value, revoked_at, keep_until, revoked_by, reason, change_seq)
            VALUES ('rev_older_1', 'user', $user, $at, '9999-12-31T00:00:00.0000000Z', 'admin', 'left the company', 1);
            """;
        command.Parameters.Clear();
        command.Parameters.AddWithValue("$user", revokedUser);
        command.Parameters.AddWithValue("$at", AuditCanonicalJson.FormatTime(revocation.Time));
        await command.ExecuteNonQueryAsync();
        return records;
    }

    /// <summary>The schema version this build migrates to.</summary>
    public static int LatestVersion => Migrations().Max(m => m.Version);

    /// <summary>The scripts embedded in the SQLite store (<c>Migrations/NNNN_name.sql</c>), as the store runs them.</summary>
    private static IEnumerable<(int Version, string Name, string Sql)> Migrations()
    {
        var assembly = typeof(SqliteMandateStore).Assembly;
        foreach (var resource in assembly.GetManifestResourceNames().Where(r => r.StartsWith("Migrations/", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            var file = resource["Migrations/".Length..^".sql".Length];
            using var reader = new StreamReader(assembly.GetManifestResourceStream(resource)!);
            yield return (int.Parse(file[..4], System.Globalization.CultureInfo.InvariantCulture), file[5..], reader.ReadToEnd());
        }
    }
}
