using System.Security.Cryptography;
using System.Text;
using Mandate.Core.Configuration;
using Mandate.Core.Keys;

namespace Mandate.Core.Tests.Keys;

public sealed class KeyEncryptionKeyTests : IDisposable
{
    private static readonly byte[] Secret = Encoding.UTF8.GetBytes("plaintext standing in for PKCS#8 key bytes");
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void SealThenOpen_SameKeyAndKid_RoundTrips()
    {
        using var kek = new KeyEncryptionKey(RandomNumberGenerator.GetBytes(32));

        var sealedKey = kek.Seal(Secret, "kid-1");

        Assert.Equal(Secret, kek.Open(sealedKey, "kid-1"));
        Assert.Equal(12 + 16 + Secret.Length, sealedKey.Length);
        Assert.DoesNotContain("pretend pkcs8", Encoding.UTF8.GetString(sealedKey), StringComparison.Ordinal);
    }

    [Fact]
    public void Seal_SamePlaintextTwice_UsesFreshNonces()
    {
        using var kek = new KeyEncryptionKey(RandomNumberGenerator.GetBytes(32));

        Assert.NotEqual(kek.Seal(Secret, "kid-1"), kek.Seal(Secret, "kid-1"));
    }

    [Fact]
    public void Open_WrongKey_Fails()
    {
        using var kek = new KeyEncryptionKey(RandomNumberGenerator.GetBytes(32));
        using var other = new KeyEncryptionKey(RandomNumberGenerator.GetBytes(32));
        var sealedKey = kek.Seal(Secret, "kid-1");

        Assert.ThrowsAny<CryptographicException>(() => other.Open(sealedKey, "kid-1"));
    }

    [Fact]
    public void Open_OtherKid_Fails()
    {
        using var kek = new KeyEncryptionKey(RandomNumberGenerator.GetBytes(32));
        var sealedKey = kek.Seal(Secret, "kid-1");

        // The kid is the associated data: a sealed key copied onto another key's row does not open.
        Assert.ThrowsAny<CryptographicException>(() => kek.Open(sealedKey, "kid-2"));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(27)]
    public void Open_ShorterThanNonceAndTag_FailsAsTruncated(int length)
    {
        using var kek = new KeyEncryptionKey(RandomNumberGenerator.GetBytes(32));
        var sealedKey = kek.Seal(Secret, "kid-1");

        var e = Assert.ThrowsAny<CryptographicException>(() => kek.Open(sealedKey.AsSpan(0, length), "kid-1"));
        Assert.Contains("truncated", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_MissingLastByte_Fails()
    {
        using var kek = new KeyEncryptionKey(RandomNumberGenerator.GetBytes(32));
        var sealedKey = kek.Seal(Secret, "kid-1");

        Assert.ThrowsAny<CryptographicException>(() => kek.Open(sealedKey.AsSpan(0, sealedKey.Length - 1), "kid-1"));
    }

    [Fact]
    public void Open_FlippedCiphertextBit_Fails()
    {
        using var kek = new KeyEncryptionKey(RandomNumberGenerator.GetBytes(32));
        var sealedKey = kek.Seal(Secret, "kid-1");
        sealedKey[^1] ^= 1;

        Assert.ThrowsAny<CryptographicException>(() => kek.Open(sealedKey, "kid-1"));
    }

    [Theory]
    [InlineData(16)]
    [InlineData(31)]
    [InlineData(64)]
    public void Constructor_KeyNot32Bytes_IsAConfigurationError(int length)
    {
        var e = Assert.Throws<MandateConfigException>(() => new KeyEncryptionKey(new byte[length]));

        Assert.Contains("32 bytes", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_FromEnvironmentVariable_UsesItsKey()
    {
        var bytes = RandomNumberGenerator.GetBytes(32);
        var options = new KeyOptions { KekEnvironmentVariable = "ACME_KEK", KekFile = _dir.File("kek") };

        using var kek = KeyEncryptionKey.Load(options, name => name == "ACME_KEK" ? Convert.ToBase64String(bytes) : null);

        using var expected = new KeyEncryptionKey(bytes);
        Assert.Equal(Secret, expected.Open(kek.Seal(Secret, "kid-1"), "kid-1"));
        Assert.Equal("env:ACME_KEK", kek.Source);
        Assert.False(File.Exists(options.KekFile), "the environment variable wins; no file is generated");
    }

    [Fact]
    public void Load_EnvironmentVariableAndFile_PrefersTheVariable()
    {
        var fromEnv = RandomNumberGenerator.GetBytes(32);
        var options = new KeyOptions { KekFile = _dir.File("kek") };
        File.WriteAllText(options.KekFile, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));

        using var kek = KeyEncryptionKey.Load(options, _ => Convert.ToBase64String(fromEnv));

        using var expected = new KeyEncryptionKey(fromEnv);
        Assert.Equal(Secret, expected.Open(kek.Seal(Secret, "kid-1"), "kid-1"));
    }

    [Fact]
    public void Load_FromFileWithTrailingNewline_UsesItsKey()
    {
        var bytes = RandomNumberGenerator.GetBytes(32);
        var options = new KeyOptions { KekFile = _dir.File("kek") };
        File.WriteAllText(options.KekFile, Convert.ToBase64String(bytes) + "\n");

        using var kek = KeyEncryptionKey.Load(options, _ => null);

        using var expected = new KeyEncryptionKey(bytes);
        Assert.Equal(Secret, expected.Open(kek.Seal(Secret, "kid-1"), "kid-1"));
        Assert.Equal($"file:{options.KekFile}", kek.Source);
    }

    [Fact]
    public void Load_NoVariableAndNoFile_GeneratesAnOwnerOnlyFile()
    {
        var options = new KeyOptions { KekFile = _dir.File("data", "kek") };

        using var generated = KeyEncryptionKey.Load(options, _ => null);

        Assert.True(File.Exists(options.KekFile));
        Assert.Equal(32, Convert.FromBase64String(File.ReadAllText(options.KekFile)).Length);
        Assert.EndsWith("(generated)", generated.Source, StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(options.KekFile));
        }

        // The next start reads the same key back.
        using var reloaded = KeyEncryptionKey.Load(options, _ => null);
        Assert.Equal(Secret, reloaded.Open(generated.Seal(Secret, "kid-1"), "kid-1"));
    }

    [Fact]
    public void Load_InvalidBase64InVariable_NamesTheVariableAndHowToFixIt()
    {
        var options = new KeyOptions { KekFile = _dir.File("kek") };

        var e = Assert.Throws<MandateConfigException>(() => KeyEncryptionKey.Load(options, _ => "not*base64*secret-value"));

        Assert.Contains("environment variable MANDATE_KEK", e.Message, StringComparison.Ordinal);
        Assert.Contains("openssl rand -base64 32", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-value", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_InvalidBase64InFile_NamesTheFile()
    {
        var options = new KeyOptions { KekFile = _dir.File("kek") };
        File.WriteAllText(options.KekFile, "not*base64*secret-value");

        var e = Assert.Throws<MandateConfigException>(() => KeyEncryptionKey.Load(options, _ => null));

        Assert.Contains(options.KekFile, e.Message, StringComparison.Ordinal);
        Assert.Contains("openssl rand -base64 32", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-value", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ShortKeyInVariable_IsAConfigurationError()
    {
        var options = new KeyOptions { KekFile = _dir.File("kek") };

        var e = Assert.Throws<MandateConfigException>(() => KeyEncryptionKey.Load(options, _ => Convert.ToBase64String(new byte[16])));

        Assert.Contains("32 bytes", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NoVariableAndNoFileConfigured_SaysWhatToSet()
    {
        var e = Assert.Throws<MandateConfigException>(() => KeyEncryptionKey.Load(new KeyOptions(), _ => null));

        Assert.Contains("set MANDATE_KEK or keys.kek_file", e.Message, StringComparison.Ordinal);
    }
}
