using System.Net;

namespace Mandate.Server.Tests.Harness;

/// <summary>Reading RFC 7662 answers.</summary>
internal static class IntrospectionReply
{
    /// <summary>The answer's <c>active</c> member; fails unless the answer is a 200 JSON object.</summary>
    public static bool Active(OAuthReply reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        Assert.True(reply.Status == HttpStatusCode.OK && reply.IsJson, $"expected an introspection answer, got {reply}");
        return reply.Json.GetProperty("active").GetBoolean();
    }

    /// <summary>RFC 7662 §2.2: an inactive answer says nothing else about the token.</summary>
    public static void AssertInactive(OAuthReply reply)
    {
        Assert.False(Active(reply), reply.ToString());
        Assert.Equal("""{"active":false}""", reply.Body);
    }
}
