using System.Globalization;

namespace Chat.Shared;

/// <summary>Delay lists in configuration, written as people write them: <c>0s,500ms,5s,5m,2h</c>.</summary>
public static class Durations
{
    public static IReadOnlyList<TimeSpan> ParseList(string text, string setting) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(d => Parse(d, setting)).ToList();

    public static TimeSpan Parse(string text, string setting)
    {
        (string Number, Func<double, TimeSpan> Unit)? parts = text switch
        {
            _ when text.EndsWith("ms", StringComparison.Ordinal) => (text[..^2], TimeSpan.FromMilliseconds),
            _ when text.EndsWith('s') => (text[..^1], TimeSpan.FromSeconds),
            _ when text.EndsWith('m') => (text[..^1], TimeSpan.FromMinutes),
            _ when text.EndsWith('h') => (text[..^1], TimeSpan.FromHours),
            _ => null,
        };
        return parts is var (number, unit) && double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= 0
            ? unit(value)
            : throw new FormatException($"{setting}: '{text}' is not a delay like 500ms, 2s, 5m or 1h.");
    }
}
