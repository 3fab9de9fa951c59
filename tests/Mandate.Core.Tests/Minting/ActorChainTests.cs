using System.Buffers;
using System.Text;
using System.Text.Json;
using Mandate.Core.Runs;

namespace Mandate.Core.Tests.Minting;

/// <summary>RFC 8693 §4.1 <c>act</c>: the current actor outermost, earlier actors nested inside, written and read back.</summary>
public sealed class ActorChainTests
{
    [Theory]
    [InlineData("spiffe://acme.example/agents/support")]
    [InlineData("spiffe://acme.example/agents/root", "spiffe://acme.example/agents/planner", "spiffe://acme.example/agents/refunder")]
    public void Write_IsTheClaimToClaimBuilds_AndReadsBackInOrder(params string[] actors)
    {
        var written = Written(w => ActorChain.Write(w, actors));
        var built = Written(w => { w.WritePropertyName("act"); JsonSerializer.Serialize(w, ActorChain.ToClaim(actors)); });

        Assert.Equal(built, written);
        using var read = JsonDocument.Parse(written);
        Assert.Equal(actors, ActorChain.FromClaim(read.RootElement.GetProperty("act")));
        // The acting party is the outermost sub.
        Assert.Equal(actors[^1], read.RootElement.GetProperty("act").GetProperty("sub").GetString());
    }

    [Fact]
    public void Write_EmptyChain_IsRefused() =>
        Assert.Throws<ArgumentException>(() => Written(w => ActorChain.Write(w, [])));

    private static string Written(Action<Utf8JsonWriter> member)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            member(w);
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
