using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Mandate.Storage.Postgres.Cluster;

/// <summary>
/// The 64-bit key of an advisory lock. Advisory locks are database-wide, so the key hashes the schema with the
/// name: two clusters (or two tests) in different schemas of one database never take each other's locks.
/// </summary>
internal static class AdvisoryLockKey
{
    /// <summary>The first 8 bytes (big-endian) of SHA-256 of <c>schema:name</c>: stable across nodes and versions.</summary>
    public static long For(string schema, string name)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(name);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(schema + ":" + name), hash);
        return BinaryPrimitives.ReadInt64BigEndian(hash);
    }
}
