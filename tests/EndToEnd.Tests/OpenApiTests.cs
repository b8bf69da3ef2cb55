using System.Net;
using System.Text.Json.Nodes;

namespace Chat.EndToEnd.Tests;

/// <summary>The OpenAPI document of the running Host names every answer an endpoint can give, errors as problem details.</summary>
public sealed class OpenApiTests(ChatServerFixture fixture) : IClassFixture<ChatServerFixture>
{
    private static readonly string[] Methods = ["get", "post", "put", "delete", "patch"];

    [Fact]
    public async Task Sending_a_message_lists_202_and_each_error_answer_with_a_problem_details_schema()
    {
        var document = await DocumentAsync();
        var responses = document["paths"]!["/v1/messages"]!["post"]!["responses"]!.AsObject();

        Assert.True(responses.ContainsKey("202"), responses.ToJsonString());
        foreach (var status in new[] { "400", "401", "403", "404", "503" })
        {
            Assert.True(responses.ContainsKey(status), $"POST /v1/messages lists no {status}: {responses.ToJsonString()}");
            AssertProblemDetails(document, responses[status]!, $"POST /v1/messages {status}");
        }
        // A 400 also says which fields were wrong.
        Assert.NotNull(Resolve(document, responses["400"]!["content"]!["application/problem+json"]!["schema"]!)["properties"]!["errors"]);
    }

    [Fact]
    public async Task Every_operation_that_refuses_a_caller_without_a_token_lists_401()
    {
        var document = await DocumentAsync();
        using var anonymous = new HttpClient { BaseAddress = fixture.Server.BaseAddress };
        var checkedOperations = 0;
        foreach (var (path, item) in document["paths"]!.AsObject())
            foreach (var method in Methods.Where(m => item![m] is not null))
            {
                // What the running Host does, not what the document claims: a bare request is challenged only where a token is required.
                var url = System.Text.RegularExpressions.Regex.Replace(path, "{[^}]+}", "probe");
                var answer = await anonymous.SendAsync(new HttpRequestMessage(new HttpMethod(method.ToUpperInvariant()), url));
                if (answer.StatusCode != HttpStatusCode.Unauthorized || !answer.Headers.WwwAuthenticate.ToString().StartsWith("Bearer", StringComparison.Ordinal)) continue;
                var responses = item![method]!["responses"]!.AsObject();
                Assert.True(responses.ContainsKey("401"), $"{method.ToUpperInvariant()} {path} needs a token but lists no 401: {responses.ToJsonString()}");
                AssertProblemDetails(document, responses["401"]!, $"{method.ToUpperInvariant()} {path} 401");
                checkedOperations++;
            }
        // Conversations, messages, channels, files, webhooks, presence, admin: far more than a handful need a token.
        Assert.True(checkedOperations >= 15, $"only {checkedOperations} operations refused an anonymous caller");
    }

    private async Task<JsonNode> DocumentAsync()
    {
        using var anonymous = new HttpClient { BaseAddress = fixture.Server.BaseAddress };
        return JsonNode.Parse(await anonymous.GetStringAsync("/openapi/v1.json"))!;
    }

    /// <summary>application/problem+json whose schema has RFC 9457's members.</summary>
    private static void AssertProblemDetails(JsonNode document, JsonNode response, string what)
    {
        var schema = response["content"]?["application/problem+json"]?["schema"];
        Assert.True(schema is not null, $"{what}: no application/problem+json schema in {response.ToJsonString()}");
        var properties = Resolve(document, schema)["properties"]?.AsObject();
        Assert.True(properties is not null, $"{what}: the schema has no properties: {schema.ToJsonString()}");
        foreach (var member in new[] { "type", "title", "status", "detail", "instance" })
            Assert.True(properties.ContainsKey(member), $"{what}: the schema lacks '{member}': {properties.ToJsonString()}");
    }

    private static JsonNode Resolve(JsonNode document, JsonNode schema) =>
        schema["$ref"]?.GetValue<string>() is { } reference
            ? document["components"]!["schemas"]![reference.Split('/')[^1]]!
            : schema;
}
