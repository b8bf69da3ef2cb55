using System.Globalization;

namespace Chat.EndToEnd.Tests;

/// <summary>Reads values out of a Prometheus text exposition.</summary>
public static class PrometheusText
{
    /// <summary>The sum over every series of <paramref name="name"/> whose labels include each of <paramref name="labels"/> (like <c>channel="app"</c>).</summary>
    public static double Sum(string exposition, string name, params string[] labels) => exposition.Split('\n')
        .Where(line => line.StartsWith(name + "{", StringComparison.Ordinal) || line.StartsWith(name + " ", StringComparison.Ordinal))
        .Where(line => labels.All(l => line.Contains(l, StringComparison.Ordinal)))
        .Sum(line =>
        {
            // name{labels} value [timestamp]
            var rest = line.Contains('}') ? line[(line.LastIndexOf('}') + 1)..] : line[name.Length..];
            return double.Parse(rest.Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        });
}
