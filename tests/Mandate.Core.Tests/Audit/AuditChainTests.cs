using System.Security.Cryptography;
using System.Text;
using Mandate.Core.Audit;
using Mandate.Core.Protocol;

namespace Mandate.Core.Tests.Audit;

/// <summary>The chain's hash is a stored format: every store written before must keep verifying.</summary>
public sealed class AuditChainTests
{
    [Theory]
    [InlineData(1, "{}")]
    [InlineData(9_223_372_036_854_775_807, "{\"user\":\"zoë@example\",\"reason\":\"日本語 ✓ \\n\"}")]
    public void ComputeHash_IsSha256OfSequencePreviousAndPayloadJoinedByNewlines(long sequence, string payload)
    {
        var previous = Convert.ToHexStringLower(SHA256.HashData("previous"u8));
        var expected = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{sequence}\n{previous}\n{payload}")));

        Assert.Equal(expected, AuditChain.ComputeHash(sequence, previous, payload));
    }

    [Fact]
    public void Link_EncodedOrNot_GivesTheSameRecords()
    {
        AuditEvent[] events =
        [
            new() { Kind = AuditKinds.Decision, Time = DateTimeOffset.UnixEpoch, Outcome = "allow", Run = "run-1" },
            new() { Kind = AuditKinds.Issuance, Time = DateTimeOffset.UnixEpoch.AddSeconds(1), Outcome = "issued", User = "zoë" },
        ];

        var plain = AuditChain.Link(AuditTail.Genesis, events);
        var encoded = AuditChain.Link(AuditTail.Genesis, events.Select(EncodedAuditEvent.Of).ToList());

        Assert.Equal(plain, encoded);
        Assert.Equal(plain[0].Hash, plain[1].PreviousHash);
    }

    [Fact]
    public void TextHash_NullLineCountsAsEmpty_AndLinesAreJoinedByNewline()
    {
        Assert.Equal(SHA256.HashData("a\n"u8), TextHash.Sha256("a", null));
        Assert.Equal(SHA256.HashData("a\nb\nc"u8), TextHash.Sha256("a", "b", "c"));
        Assert.Equal(SHA256.HashData([]), TextHash.Sha256());
    }
}
