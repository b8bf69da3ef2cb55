using System.Net;
using System.Text.Json.Nodes;

namespace Chat.EndToEnd.Tests;

public sealed class OperationsTests(ChatServerFixture fixture) : IClassFixture<ChatServerFixture>
{
    [Fact]
    public async Task Metrics_in_Prometheus_format_move_as_a_message_is_accepted_stored_pushed_and_delivered()
    {
        var alice = await fixture.Server.Client().SignUpAsync("metered");
        var bob = await fixture.Server.Client().SignUpAsync("counted");
        var conversation = await alice.CreateConversationAsync("direct", "counted");
        using var anonymous = new HttpClient { BaseAddress = fixture.Server.BaseAddress };
        var before = await anonymous.GetStringAsync("/metrics");

        await using var socket = await ChatSocket.ConnectAsync(fixture.Server.BaseAddress, bob);
        var id = await alice.SendTextAsync(conversation, "count me");
        await socket.MessagesAsync(1);
        await socket.SendAsync(new { type = "ack", message_id = id });
        await Eventually.UntilAsync(async () => (await alice.GetJsonAsync($"/v1/messages/{id}/status"))["status"]!.GetValue<string>(),
            s => s == "delivered", TimeSpan.FromSeconds(30), "delivered");

        double Delta(string metrics, string name, params string[] labels) => PrometheusText.Sum(metrics, name, labels) - PrometheusText.Sum(before, name, labels);
        var after = await Eventually.UntilAsync(() => anonymous.GetStringAsync("/metrics"),
            // The HTTP histogram too: the exporter may serve a scrape that predates the last requests' measurements.
            m => Delta(m, "chat_status_published_total", "status=\"delivered\"", "channel=\"app\"") >= 1 && m.Contains("http_server_request_duration_seconds"),
            TimeSpan.FromSeconds(30), "the delivered count and the HTTP request histogram to show");
        Assert.True(Delta(after, "chat_messages_accepted_total", "channel=\"app\"") >= 1);
        Assert.True(Delta(after, "chat_router_messages_total", "outcome=\"stored\"") >= 1);
        Assert.True(Delta(after, "chat_status_published_total", "status=\"sent\"", "channel=\"app\"") >= 1);
        Assert.True(Delta(after, "chat_message_stored_latency_seconds_count") >= 1);
        Assert.True(Delta(after, "chat_message_pushed_latency_seconds_count") >= 1);
        Assert.True(PrometheusText.Sum(after, "chat_websocket_connections") >= 1);
        Assert.Contains("chat_consumer_lag{", after);
        Assert.Contains("http_server_request_duration_seconds", after);
    }

    [Fact]
    public async Task The_OpenAPI_document_lists_the_public_endpoints_and_the_reference_page_serves()
    {
        using var anonymous = new HttpClient { BaseAddress = fixture.Server.BaseAddress };
        var document = JsonNode.Parse(await anonymous.GetStringAsync("/openapi/v1.json"))!;
        var paths = document["paths"]!.AsObject().Select(p => p.Key).ToList();
        foreach (var path in new[] { "/v1/messages", "/v1/messages/{messageId}/status", "/v1/conversations", "/v1/conversations/{conversationId}/messages",
                     "/v1/auth/register", "/v1/auth/token", "/v1/webhooks", "/v1/users/{username}/channels/{channel}", "/v1/presence/{username}",
                     "/v1/files/initiate", "/v1/files/complete", "/v1/files/{fileId}" })
            Assert.Contains(path, paths);
        var send = document["paths"]!["/v1/messages"]!["post"]!;
        Assert.NotNull(send["requestBody"]!["content"]!["application/json"]!["schema"]);
        Assert.Equal("text", send["requestBody"]!["content"]!["application/json"]!["example"]!["payload"]!["type"]!.GetValue<string>());
        Assert.Contains("202", send["responses"]!.AsObject().Select(r => r.Key));

        var docs = await anonymous.GetAsync("/api-docs");
        Assert.Equal(HttpStatusCode.OK, docs.StatusCode);
        Assert.Equal("text/html", docs.Content.Headers.ContentType?.MediaType);
    }
}
