using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Text;
using Mandate.Server.Tests.Harness;

namespace Mandate.Server.Tests.Keys;

/// <summary>Private keys at rest: sealed under the key-encryption key, bound to their kid, files owner-only.</summary>
public sealed class KeySealingTests : BrokerTest
{
    [Fact]
    public async Task Keys_StoredSigningKey_IsNotAPrivateKeyInTheClear()
    {
        var (kid, sealedKey) = Assert.Single(await StoredKeysAsync());

        Assert.Equal(Broker.Runtime.Keys.Current.Active.Kid, kid);
        using var probe = ECDsa.Create();
        Assert.ThrowsAny<CryptographicException>(() => probe.ImportPkcs8PrivateKey(sealedKey, out _));
        Assert.ThrowsAny<CryptographicException>(() => probe.ImportPkcs8PrivateKey(sealedKey.AsSpan(28), out _));
        Assert.DoesNotContain("PRIVATE KEY", Encoding.Latin1.GetString(sealedKey), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keys_DatabaseFiles_NeverHoldThePkcs8BytesOrThePrivateScalar()
    {
        var (kid, sealedKey) = Assert.Single(await StoredKeysAsync());
        // Unseal it the way the broker does, to know exactly what must not be on disk.
        var pkcs8 = Broker.Runtime.Kek.Open(sealedKey, kid);
        using var key = ECDsa.Create();
        key.ImportPkcs8PrivateKey(pkcs8, out _);
        var scalar = key.ExportParameters(includePrivateParameters: true).D!;

        var files = new[] { Broker.Options.StorePath, Broker.Options.StorePath + "-wal" }.Where(File.Exists).Select(ReadShared).ToList();

        Assert.NotEmpty(files);
        foreach (var bytes in files)
        {
            Assert.Equal(-1, bytes.AsSpan().IndexOf(pkcs8));
            Assert.Equal(-1, bytes.AsSpan().IndexOf(scalar));
            Assert.DoesNotContain("PRIVATE KEY", Encoding.Latin1.GetString(bytes), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Keys_SealedKeyMovedToAnotherKid_DoesNotOpen()
    {
        var (_, sealedKey) = Assert.Single(await StoredKeysAsync());

        Assert.ThrowsAny<CryptographicException>(() => Broker.Runtime.Kek.Open(sealedKey, "another-kid"));
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public void Kek_GeneratedIntoTheDataFolder_IsReadableByTheOwnerOnly()
    {
        var kek = Broker.Options.Keys.KekFile!;

        Assert.Equal(Path.Combine(Broker.Directory, "kek"), kek);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(kek));
        Assert.Equal(32, Convert.FromBase64String(File.ReadAllText(kek).Trim()).Length);
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public void AdminSocket_IsReadableAndWritableByTheOwnerOnly()
    {
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Broker.Options.AdminSocket));
    }

    private async Task<List<(string Kid, byte[] Sealed)>> StoredKeysAsync()
    {
        await using var connection = await Broker.OpenDatabaseAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT kid, sealed_private_key FROM keys;";
        await using var reader = await command.ExecuteReaderAsync();
        var keys = new List<(string, byte[])>();
        while (await reader.ReadAsync())
        {
            keys.Add((reader.GetString(0), (byte[])reader.GetValue(1)));
        }

        return keys;
    }

    private static byte[] ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
