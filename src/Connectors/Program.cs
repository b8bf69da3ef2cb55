using Chat.Connectors;
using Chat.Shared.Http;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddChatAuthentication();
builder.AddConnectors();

var app = builder.Build();
app.UseServiceDefaults();
app.MapConnectors();
app.RunOrExplain();
