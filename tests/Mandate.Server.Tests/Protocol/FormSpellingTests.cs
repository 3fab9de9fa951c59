using System.Net;
using System.Text;
using Mandate.Server.Tests.Harness;

namespace Mandate.Server.Tests.Protocol;

/// <summary>
/// Spellings the standards make equal are read as equal: a quoted charset (RFC 9110 §5.6.6) and a parameter sent
/// without a value, which is as if omitted (RFC 6749 §3.1) and so repeats nothing. A charset given twice is refused.
/// </summary>
public sealed class FormSpellingTests : BrokerTest
{
    [Theory]
    [InlineData("application/x-www-form-urlencoded; charset=\"UTF-8\"")]
    [InlineData("application/x-www-form-urlencoded;charset=\"utf-8\"")]
    [InlineData("Application/X-WWW-Form-Urlencoded; Charset=UTF-8")]
    public async Task Token_Utf8CharsetSpelledOtherwise_IsAnExchange(string contentType)
    {
        var reply = await RawRequests.SendAsync(Broker, HttpMethod.Post, "oauth2/token", Encoding.UTF8.GetBytes(RawRequests.ValidExchangeBody(Broker)), contentType);

        Assert.True(reply.Status == HttpStatusCode.OK, reply.ToString());
    }

    [Theory]
    [InlineData("application/x-www-form-urlencoded; charset=\"iso-8859-1\"")]
    [InlineData("application/x-www-form-urlencoded; charset=utf-8; charset=iso-8859-1")]
    [InlineData("application/x-www-form-urlencoded; charset=utf-8; Charset=utf-8")]
    public async Task Token_OtherOrRepeatedCharset_Returns415AndChangesNothing(string contentType)
    {
        var body = Encoding.UTF8.GetBytes(RawRequests.ValidExchangeBody(Broker));

        var reply = await Broker.AssertAuditUnchangedAsync(() => RawRequests.SendAsync(Broker, HttpMethod.Post, "oauth2/token", body, contentType));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, reply.Status);
        Assert.Equal("request.unsupported_charset", reply.Member("check_id"));
    }

    [Theory]
    [InlineData("&scope=")]
    [InlineData("&scope")]
    [InlineData("&tenant=&tenant=")]
    public async Task Token_EmptyParameterBesideAFilledOne_IsOmittedNotARepeat(string suffix)
    {
        var reply = await RawRequests.PostAsync(Broker, "oauth2/token", RawRequests.ValidExchangeBody(Broker) + suffix);

        Assert.True(reply.Status == HttpStatusCode.OK, reply.ToString());
    }

    [Fact]
    public async Task Token_EmptyParameterThenTwoFilledOnes_IsStillARepeat()
    {
        var body = "scope=&" + RawRequests.ValidExchangeBody(Broker) + "&scope=refunds%3Aread";

        var reply = await Broker.AssertAuditUnchangedAsync(() => RawRequests.PostAsync(Broker, "oauth2/token", body));

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal("request.duplicate_parameter", reply.Member("check_id"));
    }
}
