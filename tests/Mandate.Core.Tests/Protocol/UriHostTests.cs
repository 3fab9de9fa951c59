using Mandate.Core.Protocol;

namespace Mandate.Core.Tests.Protocol;

public sealed class UriHostTests
{
    [Theory]
    [InlineData("https://a\u05D0b.example/")]
    [InlineData("https://refunds\u0608.example/")]
    [InlineData("tcp://a\u05D0b.example:9000")]
    public void Ascii_HostIdnaDisallows_IsNullWhereUriIdnHostThrows(string text)
    {
        var uri = new Uri(text);

        Assert.Throws<UriFormatException>(() => uri.IdnHost);
        Assert.Null(UriHost.Ascii(uri));
    }

    [Theory]
    [InlineData("https://refunds.acme.example/", "refunds.acme.example")]
    [InlineData("https://stra\u00DFe.example/", "xn--strae-oqa.example")]
    [InlineData("http://[::1]:8080/", "::1")]
    public void Ascii_HostIdnaAllows_IsItsAsciiForm(string text, string ascii) =>
        Assert.Equal(ascii, UriHost.Ascii(new Uri(text)));

    [Theory]
    [InlineData("https://a\u05D0b.example")]
    [InlineData("https://refunds\u0608.example/")]
    public void OriginForm_HostIdnaDisallows_IsNullNotAnException(string resource) =>
        Assert.Null(ResourceUri.OriginForm(resource));
}
