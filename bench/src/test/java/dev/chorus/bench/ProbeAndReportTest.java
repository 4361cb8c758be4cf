package dev.chorus.bench;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The message probe, /proc parsing, latency figures and output formats: everything of the tool but the network. */
class ProbeAndReportTest {

  @Test
  void probeIsFoundInAnyServersJsonFormatting() {
    String encoded = FanoutBench.Probe.encode(7, 42, 123456789L);
    String python = "{\"type\": \"chat\", \"sender\": \"bench-7\", \"message\": \"" + encoded + "xxxx\"}";
    FanoutBench.Probe probe = FanoutBench.Probe.find(python.getBytes(StandardCharsets.UTF_8));
    assertEquals(new FanoutBench.Probe(7, 42, 123456789L), probe);
  }

  @Test
  void statusMessagesCarryNoProbe() {
    assertNull(FanoutBench.Probe.find("{\"type\":\"status\",\"message\":\"bench-1 joined the chat.\"}".getBytes()));
    assertNull(FanoutBench.Probe.find("~b~1~x~".getBytes()));
  }

  @Test
  void cpuSecondsAreUserPlusSystemTicksEvenWithSpacesInTheName() {
    String stat = "4242 (java main) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 30 0 100 0 0";
    assertEquals(3.0, ServerProbe.cpuSeconds(stat), 1e-9);
  }

  @Test
  void userSecondsAreUserTicksAlone() {
    String stat = "4242 (node) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 30 0 100 0 0";
    assertEquals(2.5, ServerProbe.userSeconds(stat), 1e-9);
  }

  @Test
  void residentMemoryComesFromVmRss() {
    assertEquals(2048L * 1024, ServerProbe.residentBytes("Name:\tjava\nVmPeak:\t 9999 kB\nVmRSS:\t    2048 kB\n"));
  }

  @Test
  void latencyFiguresAreMillisecondsAtPercentiles() {
    LatencyStats stats = new LatencyStats();
    for (int i = 1; i <= 1000; i++) {
      stats.record(i * 1_000_000L);
    }
    Histogram total = stats.tick(true);
    Map<String, Object> figures = new LinkedHashMap<>();
    Figures.latency(figures, stats.total());
    assertEquals(1000, total.getTotalCount());
    assertEquals(500, (double) figures.get(Result.P50), 1);
    assertEquals(990, (double) figures.get(Result.P99), 1);
    assertEquals(1000, (double) figures.get(Result.MAX), 1);
  }

  @Test
  void comparisonStatesUserAndTotalCpuAsMultiplesOfBaseline() {
    Result chorus = new Result("echo", "echo-50", "chorus", Map.of(Result.USER_CPU_PER_MESSAGE, 1.5,
      Result.CPU_PER_MESSAGE, 5.0, Result.P99, 2.0), List.of());
    Result node = new Result("echo", "echo-50", "node-ws", Map.of(Result.USER_CPU_PER_MESSAGE, 2.0,
      Result.CPU_PER_MESSAGE, 20.0, Result.P99, 3.0), List.of());
    String table = Report.comparison(List.of(chorus, node), "node-ws");
    assertTrue(table.lines().findFirst().orElseThrow().contains("| srv user us/msg | srv CPU us/msg |"), table);
    String chorusRow = table.lines().filter(l -> l.contains("| chorus")).findFirst().orElseThrow();
    assertTrue(chorusRow.replaceAll(" +", " ").contains("| 0.750 | 0.250 | -1 |"), chorusRow);
  }

  @Test
  void resultsSurviveJson() throws Exception {
    Result result = new Result("fanout", "f", "x", new LinkedHashMap<>(Map.of(Result.LOST, 3)),
      List.of(new double[] {50, 1.5}, new double[] {100, 9}));
    Map<String, Object> json = new com.fasterxml.jackson.databind.ObjectMapper().readValue(Bench.json(result.toJson()),
      new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() { });
    Result back = Result.fromJson(json);
    assertEquals(3.0, back.number(Result.LOST));
    assertEquals(9.0, back.spectrum().get(1)[1]);
  }

  @Test
  void chartIsWellFormedSvg() throws Exception {
    String svg = SvgChart.render("echo <50>", List.of(new SvgChart.Series("chorus & co",
      List.of(new double[] {0, 0.5}, new double[] {99, 2}, new double[] {100, 7}))));
    var document = DocumentBuilderFactory.newInstance().newDocumentBuilder()
      .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    assertEquals("svg", document.getDocumentElement().getNodeName());
    assertEquals(1, document.getElementsByTagName("polyline").getLength());
  }
}
