using System.Net;
using System.Text.Json.Nodes;

namespace Chat.EndToEnd.Tests;

public sealed class OperationsTests(ChatServerFixture fixture) : IClassFixture<ChatServerFixture>
{
    [Fact]
    public async Task Metrics_in_Prometheus_format_count_what_the_services_did()
    {
        var alice = await fixture.Server.Client().SignUpAsync("metered");
        await fixture.Server.Client().SignUpAsync("counted");
        var conversation = await alice.CreateConversationAsync("direct", "counted");
        await alice.SendTextAsync(conversation, "count me");
        await Eventually.UntilAsync(() => alice.HistoryAsync(conversation), h => h.Count == 1, TimeSpan.FromSeconds(30), "stored");

        using var anonymous = new HttpClient { BaseAddress = fixture.Server.BaseAddress };
        var metrics = await Eventually.UntilAsync(() => anonymous.GetStringAsync("/metrics"),
            m => m.Contains("chat_router_messages_total{") && m.Contains("chat_status_published_total"), TimeSpan.FromSeconds(30), "chat metrics exported");
        Assert.Contains("outcome=\"stored\"", metrics);
        Assert.Contains("http_server_request_duration_seconds", metrics);
    }

    [Fact]
    public async Task The_OpenAPI_document_lists_the_public_endpoints_and_the_reference_page_serves()
    {
        using var anonymous = new HttpClient { BaseAddress = fixture.Server.BaseAddress };
        var document = JsonNode.Parse(await anonymous.GetStringAsync("/openapi/v1.json"))!;
        var paths = document["paths"]!.AsObject().Select(p => p.Key).ToList();
        foreach (var path in new[] { "/v1/messages", "/v1/messages/{messageId}/status", "/v1/conversations", "/v1/conversations/{conversationId}/messages",
                     "/v1/auth/register", "/v1/auth/token", "/v1/webhooks", "/v1/users/{username}/channels/{channel}", "/v1/presence/{username}" })
            Assert.Contains(path, paths);
        var docs = await anonymous.GetAsync("/api-docs");
        Assert.Equal(HttpStatusCode.OK, docs.StatusCode);
        Assert.Equal("text/html", docs.Content.Headers.ContentType?.MediaType);
    }
}
