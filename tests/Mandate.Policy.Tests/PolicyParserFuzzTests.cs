using System.Text;

namespace Mandate.Policy.Tests;

/// <summary>
/// Seeded random mutations of a valid policy (SharpFuzz is not in the package mirror). Whatever
/// the bytes, loading must return problems or a snapshot, never throw.
/// </summary>
public sealed class PolicyParserFuzzTests
{
    private const string Alphabet = " \n\t:-[]{}'\"*&!|>#%@,?.0123456789abcdefghijklmnopqrstuvwxyz_/\\";

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Parse_RandomlyMutatedPolicy_NeverThrows(int seed)
    {
        var original = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "examples", "policy.yaml"));
        var random = new Random(seed);

        for (var i = 0; i < 1000; i++)
        {
            var text = Mutate(original, random, mutations: random.Next(1, 8));

            var result = PolicyParser.Parse(text);

            Assert.True(result.IsValid ^ (result.Problems.Count > 0), text);
            Assert.All(result.Problems, p => Assert.True(p.Line >= 0 && p.Column >= 0 && p.Message.Length > 0, text));
        }
    }

    [Fact]
    public void Parse_RandomBytes_NeverThrows()
    {
        var random = new Random(42);
        var bytes = new byte[256];

        for (var i = 0; i < 1000; i++)
        {
            random.NextBytes(bytes);

            var result = PolicyParser.Parse(bytes.AsSpan(0, random.Next(bytes.Length)));

            Assert.False(result.IsValid);
        }
    }

    private static string Mutate(string text, Random random, int mutations)
    {
        var builder = new StringBuilder(text);
        for (var i = 0; i < mutations && builder.Length > 0; i++)
        {
            var at = random.Next(builder.Length);
            switch (random.Next(3))
            {
                case 0:
                    builder.Remove(at, Math.Min(random.Next(1, 6), builder.Length - at));
                    break;
                case 1:
                    builder.Insert(at, Alphabet[random.Next(Alphabet.Length)]);
                    break;
                default:
                    builder[at] = Alphabet[random.Next(Alphabet.Length)];
                    break;
            }
        }

        return builder.ToString();
    }
}
