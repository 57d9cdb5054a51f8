// The build's composed entry stylesheet on Saxon-HE for Java (HotSpot, JIT), for bench/engine.py.
//
// Reads the manifest bench/engine.py writes (JSON: the entry stylesheet, the global parameters, and per
// document its text's file, base URI, profile, the files its pointers open and where they lead, and the
// runs (t:part) the build makes of it), compiles the stylesheet once, and transforms every document
// the way toolkit/transform.py does with saxonche: parse the text, set the parameters, apply templates,
// take the raw result (the envelope's strings) and read every string. `--rounds N` goes over the
// documents N times in one JVM; each round's CPU time (the process's, JIT and collector threads
// included, and the main thread's alone) is printed as a TSV line. `--profile FILE` compiles with
// tracing and writes Saxon's timing profile (the -TP report: time per template and function) of the
// last round to FILE.
//
// Not part of the toolkit: a measuring instrument, compiled by bench/engine.py against a Saxon-HE jar
// it fetches (never committed).

import java.io.File;
import java.io.StringReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.xml.transform.stream.StreamSource;

import net.sf.saxon.Controller;
import net.sf.saxon.lib.StandardLogger;
import net.sf.saxon.s9api.DocumentBuilder;
import net.sf.saxon.s9api.Processor;
import net.sf.saxon.s9api.QName;
import net.sf.saxon.s9api.XPathSelector;
import net.sf.saxon.s9api.XdmArray;
import net.sf.saxon.s9api.XdmAtomicValue;
import net.sf.saxon.s9api.XdmItem;
import net.sf.saxon.s9api.XdmMap;
import net.sf.saxon.s9api.XdmNode;
import net.sf.saxon.s9api.XdmValue;
import net.sf.saxon.s9api.Xslt30Transformer;
import net.sf.saxon.s9api.XsltCompiler;
import net.sf.saxon.s9api.XsltExecutable;
import net.sf.saxon.trace.TimingTraceListener;

public final class EngineFloor {
    private static final String T = "urn:telegram2477:xslt";

    /** Saxon's timing listener, kept open over many transformations: it reports once, when told. */
    static final class Accumulating extends TimingTraceListener {
        private boolean opened;
        boolean finishing;

        @Override
        public void open(Controller controller) {
            if (!opened) {
                opened = true;
                super.open(controller);
            }
        }

        @Override
        public void close() {
            if (finishing) {
                super.close();
            }
        }
    }

    static final class Job {
        String text;
        String baseUri;
        Map<QName, XdmValue> parameters;
        List<XdmValue> runs = new ArrayList<>();
        String name;
    }

    public static void main(String[] args) throws Exception {
        String manifestPath = null;
        String profilePath = null;
        int rounds = 3;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rounds": rounds = Integer.parseInt(args[++i]); break;
                case "--profile": profilePath = args[++i]; break;
                default: manifestPath = args[i];
            }
        }
        Processor processor = new Processor(false);
        XdmMap manifest = (XdmMap) json(processor, new File(manifestPath));
        XsltCompiler compiler = processor.newXsltCompiler();
        Accumulating listener = null;
        if (profilePath != null) {
            compiler.setCompileWithTracing(true);
            listener = new Accumulating();
            listener.setOutputDestination(new StandardLogger(new File(profilePath)));
        }
        XsltExecutable executable = compiler.compile(new StreamSource(new File(string(manifest, "stylesheet"))));
        DocumentBuilder builder = processor.newDocumentBuilder();

        Map<QName, XdmValue> global = new HashMap<>();
        XdmMap common = (XdmMap) manifest.get("parameters");
        for (XdmAtomicValue key : common.keySet()) {
            String name = key.getStringValue();
            XdmValue value = common.get(key);
            if (name.equals("access-date")) {
                value = processor.newXPathCompiler().evaluateSingle("xs:date('" + value + "')", null);
            }
            global.put(new QName(T, name), value);
        }
        Map<String, XdmNode> linked = new HashMap<>();
        List<Job> jobs = new ArrayList<>();
        for (XdmValue item : ((XdmArray) manifest.get("documents")).asList()) {
            XdmMap entry = (XdmMap) item;
            Job job = new Job();
            job.name = string(entry, "path");
            job.text = new String(Files.readAllBytes(new File(job.name).toPath()), StandardCharsets.UTF_8);
            job.baseUri = string(entry, "base-uri");
            job.parameters = new HashMap<>(global);
            job.parameters.put(new QName(T, "profile"), new XdmAtomicValue(string(entry, "profile")));
            Map<String, XdmValue> documents = new HashMap<>();
            XdmMap files = (XdmMap) entry.get("documents");
            for (XdmAtomicValue raw : files.keySet()) {
                String path = files.get(raw).toString();
                XdmNode node = linked.get(path);
                if (node == null) {
                    node = builder.build(new File(path));
                    linked.put(path, node);
                }
                documents.put(raw.getStringValue(), node);
            }
            job.parameters.put(new QName(T, "documents"), XdmMap.makeMap(documents));
            job.parameters.put(new QName(T, "pointers"), entry.get("pointers"));
            for (XdmValue run : ((XdmArray) entry.get("runs")).asList()) {
                job.runs.add(((XdmArray) run).asList().isEmpty() ? null : integers(((XdmArray) run).asList()));
            }
            jobs.add(job);
        }

        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        System.out.println("round\tdocuments\ttransformations\tprocess_cpu_s\tthread_cpu_s\twall_s\tcharacters");
        for (int round = 1; round <= rounds; round++) {
            boolean traced = listener != null && round == rounds;
            long process = os.getProcessCpuTime(), thread = threads.getCurrentThreadCpuTime(), wall = System.nanoTime();
            long characters = 0;
            int transformations = 0;
            for (Job job : jobs) {
                builder.setBaseURI(new java.net.URI(job.baseUri));
                XdmNode source = builder.build(new StreamSource(new StringReader(job.text), job.baseUri));
                for (XdmValue part : job.runs) {
                    Xslt30Transformer transformer = executable.load30();
                    Map<QName, XdmValue> parameters = job.parameters;
                    if (part != null) {
                        parameters = new HashMap<>(job.parameters);
                        parameters.put(new QName(T, "part"), part);
                    }
                    transformer.setStylesheetParameters(parameters);
                    transformer.setGlobalContextItem(source);
                    if (traced) {
                        transformer.setTraceListener(listener);
                    }
                    XdmValue result = transformer.applyTemplates(source);
                    for (XdmItem string : result) {
                        characters += string.getStringValue().length();
                    }
                    transformations++;
                }
            }
            System.out.printf("%d\t%d\t%d\t%.3f\t%.3f\t%.3f\t%d%n", round, jobs.size(), transformations,
                (os.getProcessCpuTime() - process) / 1e9, (threads.getCurrentThreadCpuTime() - thread) / 1e9,
                (System.nanoTime() - wall) / 1e9, characters);
            System.out.flush();
        }
        if (listener != null) {
            listener.finishing = true;
            listener.close();
        }
    }

    private static XdmValue integers(List<XdmValue> numbers) throws Exception {
        List<XdmItem> items = new ArrayList<>();
        for (XdmValue number : numbers) {
            items.add(new XdmAtomicValue((long) ((XdmAtomicValue) number.itemAt(0)).getDoubleValue()));
        }
        return new XdmValue(items);
    }

    private static String string(XdmMap map, String key) {
        return map.get(key).itemAt(0).getStringValue();
    }

    private static XdmValue json(Processor processor, File file) throws Exception {
        net.sf.saxon.s9api.XPathCompiler xpath = processor.newXPathCompiler();
        xpath.declareVariable(new QName("uri"));
        XPathSelector selector = xpath.compile("json-doc($uri)").load();
        selector.setVariable(new QName("uri"), new XdmAtomicValue(file.toURI().toString()));
        return selector.evaluateSingle();
    }
}
