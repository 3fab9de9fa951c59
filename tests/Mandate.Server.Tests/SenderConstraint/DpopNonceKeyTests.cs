using System.Security.Cryptography;
using Mandate.Core.Keys;
using Mandate.Server.SenderConstraint;
using Mandate.Testing;

namespace Mandate.Server.Tests.SenderConstraint;

/// <summary>DPoP nonces under a secret derived from the key-encryption key: every node holding it accepts every node's nonces.</summary>
public sealed class DpopNonceKeyTests
{
    private readonly ManualTimeProvider _time = new();

    [Fact]
    public void Create_SameKeyEncryptionKeyOnTwoNodes_NonceFromOneAcceptedByTheOther()
    {
        var bytes = RandomNumberGenerator.GetBytes(32);
        using var kekA = new KeyEncryptionKey(bytes);
        using var kekB = new KeyEncryptionKey(bytes);
        var nodeA = DpopNonceKey.Create(kekA, _time);
        var nodeB = DpopNonceKey.Create(kekB, _time);

        Assert.True(nodeB.IsAcceptable(nodeA.Current()));
    }

    [Fact]
    public void Create_OtherKeyEncryptionKey_NonceRefused()
    {
        using var kekA = new KeyEncryptionKey(RandomNumberGenerator.GetBytes(32));
        using var kekB = new KeyEncryptionKey(RandomNumberGenerator.GetBytes(32));
        var nodeA = DpopNonceKey.Create(kekA, _time);
        var nodeB = DpopNonceKey.Create(kekB, _time);

        Assert.False(nodeB.IsAcceptable(nodeA.Current()));
    }

    [Fact]
    public void Create_NonceFromAnotherNodeTwoStepsOld_Refused()
    {
        var bytes = RandomNumberGenerator.GetBytes(32);
        using var kekA = new KeyEncryptionKey(bytes);
        using var kekB = new KeyEncryptionKey(bytes);
        var step = TimeSpan.FromMinutes(5);
        var nonce = DpopNonceKey.Create(kekA, _time, step).Current();

        _time.Advance(step * 2);

        Assert.False(DpopNonceKey.Create(kekB, _time, step).IsAcceptable(nonce));
    }
}
