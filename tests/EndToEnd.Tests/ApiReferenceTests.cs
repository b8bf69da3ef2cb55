using System.Text.RegularExpressions;

namespace Chat.EndToEnd.Tests;

/// <summary>
/// /openapi/v1.json introduces itself as Chat's API with a bearer scheme to try calls with, and the
/// reference at /api-docs has Scalar's hosted extras off and loads nothing from outside the service.
/// </summary>
public sealed partial class ApiReferenceTests(ChatServerFixture fixture) : IClassFixture<ChatServerFixture>
{
    [Fact]
    public async Task The_document_is_titled_and_introduced_as_Chats_API_with_a_bearer_scheme()
    {
        var document = await fixture.Server.Client().GetJsonAsync("/openapi/v1.json");
        Assert.Equal("Chat API", document["info"]!["title"]!.GetValue<string>());
        Assert.Contains("docs/api-guide.md", document["info"]!["description"]!.GetValue<string>());
        Assert.Equal("bearer", document["components"]!["securitySchemes"]!["Bearer"]!["scheme"]!.GetValue<string>());
        // Operations that need a token say so (the reference then sends the one entered); anonymous ones do not.
        Assert.Equal("Bearer", document["paths"]!["/v1/messages"]!["post"]!["security"]![0]!.AsObject().Single().Key);
        Assert.Null(document["paths"]!["/v1/auth/token"]!["post"]!["security"]);
    }

    [Fact]
    public async Task The_reference_page_has_the_hosted_extras_off_and_no_address_outside_the_service()
    {
        using var anonymous = new HttpClient { BaseAddress = fixture.Server.BaseAddress };
        var page = await anonymous.GetStringAsync("/api-docs/");
        Assert.Contains("<title>Chat API</title>", page);
        var absolute = AbsoluteUrl().Matches(page).Select(m => m.Value).ToList();
        Assert.True(absolute.Count == 0, $"the page names addresses outside the service: {string.Join(", ", absolute)}\n{page}");
        foreach (var setting in new[] { "\"showDeveloperTools\":\"never\"", "\"withDefaultFonts\":false", "\"telemetry\":false" })
            Assert.True(page.Contains(setting, StringComparison.Ordinal), $"no {setting} in\n{page}");
        Assert.True(AgentDisabled().IsMatch(page), $"the AI agent is not disabled in\n{page}");
        Assert.True(McpDisabled().IsMatch(page), $"MCP is not disabled in\n{page}");
        // Its script is served by the service itself.
        Assert.True((await anonymous.GetAsync("/api-docs/scalar.js")).IsSuccessStatusCode);
    }

    [GeneratedRegex(@"https?://[^\s""'<>]+")]
    private static partial Regex AbsoluteUrl();

    [GeneratedRegex(@"""agent"":\{""disabled"":true")]
    private static partial Regex AgentDisabled();

    [GeneratedRegex(@"""mcp"":\{""disabled"":true")]
    private static partial Regex McpDisabled();
}
