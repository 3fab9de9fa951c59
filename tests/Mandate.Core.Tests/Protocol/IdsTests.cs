using System.Buffers.Text;
using System.Collections.Concurrent;
using Mandate.Core.Protocol;

namespace Mandate.Core.Tests.Protocol;

/// <summary>Ids are prefixed, 16 bytes in base64url's digits taken in ASCII order, time-ordered by their first 48 bits and never repeat.</summary>
public sealed class IdsTests
{
    [Fact]
    public void New_IsThePrefixAndSixteenBytesOfBase64Url()
    {
        var id = Ids.New("jti");

        Assert.StartsWith("jti_", id, StringComparison.Ordinal);
        Assert.Equal(16, Bytes(id).Length);
    }

    [Fact]
    public void New_LaterMillisecond_SortsAfter()
    {
        // Enough consecutive milliseconds that every digit of the time's last characters rolls over, letters to digits included.
        var start = DateTimeOffset.UtcNow;
        var earlier = Ids.New("dec", start);
        for (var ms = 1; ms <= 10_000; ms++)
        {
            var later = Ids.New("dec", start.AddMilliseconds(ms));
            Assert.True(string.CompareOrdinal(earlier, later) < 0, $"{earlier} !< {later}");
            earlier = later;
        }
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
        var randomParts = ids.Select(id => Convert.ToHexString(Bytes(id)[6..])).ToList();
        Assert.DoesNotContain(new string('0', 20), randomParts);
    }

    [Fact]
    public void NewHandle_CarriesTheTimeAndAHundredAndTwentyEightRandomBits_AndSortsByTime()
    {
        // OpenID CIBA Core §7.3: an auth_req_id "MUST contain sufficient entropy (a minimum of 128 bits ...)".
        var now = DateTimeOffset.UtcNow;
        var handles = Enumerable.Range(0, 1_000).Select(_ => Ids.NewHandle("areq", now)).ToList();

        Assert.All(handles, h => Assert.Equal(22, Bytes(h).Length));
        Assert.Equal(handles.Count, handles.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(Bytes(Ids.New("dec", now))[..6], Bytes(handles[0])[..6]);
        var randomBits = handles.Select(h => Bytes(h)[6..]).ToList();
        Assert.All(Enumerable.Range(0, 128), bit => Assert.Contains(randomBits, r => (r[bit / 8] >> (bit % 8) & 1) == 1));
        Assert.True(string.CompareOrdinal(handles[0], Ids.NewHandle("areq", now.AddMilliseconds(1))) < 0);
    }

    // The id's text back to base64url's own digits, then its bytes.
    private static byte[] Bytes(string id)
    {
        const string sorted = "-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz";
        const string base64Url = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        var text = id[(id.IndexOf('_') + 1)..].Select(c => base64Url[sorted.IndexOf(c)]).ToArray();
        return Base64Url.DecodeFromChars(text);
    }
}
