using System.Buffers.Text;
using System.Collections.Concurrent;
using Mandate.Core.Protocol;

namespace Mandate.Core.Tests.Protocol;

/// <summary>Ids are prefixed, 16 bytes of base64url, time-ordered by their first 48 bits and never repeat.</summary>
public sealed class IdsTests
{
    [Fact]
    public void New_IsThePrefixAndSixteenBytesOfBase64Url()
    {
        var id = Ids.New("jti");

        Assert.StartsWith("jti_", id, StringComparison.Ordinal);
        Assert.Equal(16, Base64Url.DecodeFromChars(id.AsSpan(4)).Length);
    }

    [Fact]
    public void New_LaterMillisecond_SortsAfter()
    {
        var now = DateTimeOffset.UtcNow;

        var earlier = Ids.New("dec", now);
        var later = Ids.New("dec", now.AddMilliseconds(1));

        Assert.True(string.CompareOrdinal(earlier, later) < 0, $"{earlier} !< {later}");
    }

    [Fact]
    public void New_ManyInTheSameMillisecondOnManyThreads_NeverRepeatAndDifferInTheirRandomBits()
    {
        var now = DateTimeOffset.UtcNow;
        var ids = new ConcurrentBag<string>();

        Parallel.For(0, 8, _ =>
        {
            for (var i = 0; i < 2_000; i++)
            {
                ids.Add(Ids.New("run", now));
            }
        });

        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        var randomParts = ids.Select(id => Convert.ToHexString(Base64Url.DecodeFromChars(id.AsSpan(4))[6..])).ToList();
        Assert.DoesNotContain(new string('0', 20), randomParts);
    }
}
