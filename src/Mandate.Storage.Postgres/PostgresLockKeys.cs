using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Mandate.Storage.Postgres;

/// <summary>
/// Advisory lock keys. PostgreSQL's advisory locks are database-wide, so every key is derived from the schema
/// too: two Mandate deployments in one database (two schemas) never wait on each other.
/// </summary>
internal static class PostgresLockKeys
{
    /// <summary>Held by the migrator for its whole transaction: one migrator at a time.</summary>
    public const string Migrate = "migrate";

    /// <summary>Held by every commit for its whole transaction: one audit chain, extended one batch at a time.</summary>
    public const string Audit = "audit";

    /// <summary>A stable 64-bit key for <paramref name="purpose"/> in <paramref name="schema"/>.</summary>
    public static long For(string schema, string purpose)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(purpose);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"mandate\n{schema}\n{purpose}"));
        return BinaryPrimitives.ReadInt64BigEndian(hash);
    }
}
