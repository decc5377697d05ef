import { PNG } from 'pngjs'; import { readFileSync, writeFileSync } from 'node:fs';
const [src, dst, x0, y0, w, h, z] = process.argv.slice(2); const a = PNG.sync.read(readFileSync(src));
const X=+x0, Y=+y0, W=+w, H=+h, Z=+z; const out = new PNG({ width: W*Z, height: H*Z });
for (let y=0;y<H*Z;y++) for (let x=0;x<W*Z;x++){ const s=4*((Y+Math.floor(y/Z))*a.width+X+Math.floor(x/Z)); const d=4*(y*W*Z+x); for(let c=0;c<4;c++) out.data[d+c]=a.data[s+c]; }
writeFileSync(dst, PNG.sync.write(out));
