using System.Security.Cryptography;
using Mandate.Core.Configuration;
using Mandate.Core.Keys;

namespace Mandate.Core.Tests.Keys;

/// <summary>What nodes sharing a store need from the key-encryption key: the same derived subkeys, and no key of their own making.</summary>
public sealed class KeyEncryptionKeyClusterTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void DeriveKey_SameKeySamePurpose_SameBytesOnEveryNode()
    {
        var bytes = RandomNumberGenerator.GetBytes(32);
        using var a = new KeyEncryptionKey(bytes);
        using var b = new KeyEncryptionKey(bytes);

        Assert.Equal(a.DeriveKey("mandate/test"), b.DeriveKey("mandate/test"));
    }

    [Fact]
    public void DeriveKey_OtherPurposeOrOtherKey_OtherBytes()
    {
        using var a = new KeyEncryptionKey(RandomNumberGenerator.GetBytes(32));
        using var b = new KeyEncryptionKey(RandomNumberGenerator.GetBytes(32));

        Assert.NotEqual(a.DeriveKey("mandate/one"), a.DeriveKey("mandate/two"));
        Assert.NotEqual(a.DeriveKey("mandate/one"), b.DeriveKey("mandate/one"));
    }

    [Fact]
    public void DeriveKey_IsNeverTheKeyItself()
    {
        var bytes = RandomNumberGenerator.GetBytes(32);
        using var kek = new KeyEncryptionKey(bytes);

        Assert.NotEqual(bytes, kek.DeriveKey("mandate/test"));
    }

    [Fact]
    public void Load_MayNotGenerateAndNoKey_RefusedNamingTheVariableAndCreatingNothing()
    {
        var options = new KeyOptions { KekEnvironmentVariable = "ACME_KEK", KekFile = _dir.File("kek") };

        var e = Assert.Throws<MandateConfigException>(() => KeyEncryptionKey.Load(options, _ => null, mayGenerate: false));

        Assert.Contains("ACME_KEK", e.Message, StringComparison.Ordinal);
        Assert.Contains("same", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(options.KekFile));
    }

    [Fact]
    public void Load_MayNotGenerateButVariableSet_LoadsIt()
    {
        var options = new KeyOptions { KekEnvironmentVariable = "ACME_KEK", KekFile = _dir.File("kek") };

        using var kek = KeyEncryptionKey.Load(options, _ => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), mayGenerate: false);

        Assert.Equal("env:ACME_KEK", kek.Source);
    }
}
