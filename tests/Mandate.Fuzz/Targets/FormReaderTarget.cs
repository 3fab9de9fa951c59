using System.Text;
using Mandate.Fuzz.Generation;
using Mandate.Fuzz.Running;
using Mandate.Server.Http;
using Microsoft.AspNetCore.Http;

namespace Mandate.Fuzz.Targets;

/// <summary>
/// The OAuth form reader on a real request object: mutated token-exchange bodies, repeated and empty
/// parameters, broken percent escapes, invalid UTF-8, odd content types. Oracle: a form, or an OAuth
/// error with a 4xx status; a returned form holds no control character other than tab, CR, LF.
/// </summary>
internal sealed class FormReaderTarget : FuzzTarget<(string ContentType, byte[] Body, bool DeclareLength)>
{
    private static readonly string[] ContentTypes =
    [
        "application/x-www-form-urlencoded", "application/x-www-form-urlencoded; charset=utf-8", "application/x-www-form-urlencoded;charset=UTF-8",
        "application/x-www-form-urlencoded; charset=latin1", "APPLICATION/X-WWW-FORM-URLENCODED", "application/x-www-form-urlencoded; charset=",
        "application/x-www-form-urlencoded; charset=\"utf-8\"", "application/json", "multipart/form-data; boundary=x", "", ";", "text/plain; a=\"",
        "application/x-www-form-urlencoded; boundary=\u00e9", "application/x-www-form-urlencoded\r\nX: y",
    ];

    public override string Name => "form";

    public override string Covers => "FormReader (application/x-www-form-urlencoded on the OAuth endpoints)";

    protected override (string ContentType, byte[] Body, bool DeclareLength) Generate(Random random)
    {
        var contentType = random.Next(4) == 0 ? Mutations.Pick(random, ContentTypes) : ContentTypes[0];
        if (random.Next(8) == 0)
        {
            contentType = Mutations.MutateText(random, contentType, 2);
        }

        var body = random.Next(10) switch
        {
            0 => Mutations.RandomBytes(random, 300),
            1 => Encoding.UTF8.GetBytes(string.Join('&', Enumerable.Range(0, random.Next(1, 2_000)).Select(i => "p" + (i % 7) + "=" + i))),
            2 => Encoding.UTF8.GetBytes(new string('a', random.Next(60_000, 70_000)) + "=" + random.Next()),
            3 or 4 => Mutations.MutateBytes(random, Encoding.UTF8.GetBytes(FormSeeds.Exchange(random)), 6),
            _ => Encoding.UTF8.GetBytes(FormSeeds.Mutate(random, FormSeeds.ExchangePairs(random))),
        };
        return (contentType, body, random.Next(3) != 0);
    }

    protected override async ValueTask<Verdict> CheckAsync((string ContentType, byte[] Body, bool DeclareLength) input)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.ContentType = input.ContentType;
        context.Request.Body = new MemoryStream(input.Body);
        if (input.DeclareLength)
        {
            context.Request.ContentLength = input.Body.Length;
        }

        var (form, error, status) = await FormReader.ReadAsync(context.Request, CancellationToken.None);
        if (form is null)
        {
            return error is null ? Verdict.Broken("no form and no error") : status is >= 400 and < 500 ? Verdict.Refused : Verdict.Broken($"refused with HTTP {status}");
        }

        foreach (var (name, value) in form)
        {
            if ((name + value).Any(c => char.IsControl(c) && c is not ('\t' or '\n' or '\r')))
            {
                return Verdict.Broken("a control character passed the reader");
            }
        }

        return Verdict.Accepted;
    }

    protected override string Describe((string ContentType, byte[] Body, bool DeclareLength) input) =>
        $"Content-Type: {FuzzFinding.Excerpt(input.ContentType)}; body: {FuzzFinding.Excerpt(input.Body)}";
}
